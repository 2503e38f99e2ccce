// `run --wait`: pass after pass until the workstream is done, `--until` is reached, or a
// human is needed. Between passes it watches the running agents and reports progress.
import type { Runner } from './context.js';
import { runPass, type PassOptions, type PassResult } from './loop.js';
import { latestOutputLine } from './progress.js';
import { runFiles } from '../dispatch/run-dir.js';
import { existsSync, watch, type FSWatcher } from 'node:fs';
import { basename, dirname } from 'node:path';
import { wrapperAlive } from '../dispatch/probe.js';
import { phaseOf } from '../workstream/step-id.js';
import type { RunRow } from '../store/store.js';

export interface WaitOptions extends PassOptions {
  readonly pollMs?: number;
  /** Aborting stops waiting (Ctrl-C); agents keep running and the next `run` collects them. */
  readonly signal?: AbortSignal;
}

export type WaitResult = PassResult & { readonly interrupted: boolean };

export async function runUntilSettled(r: Runner, options: WaitOptions = {}): Promise<WaitResult> {
  const pollMs = options.pollMs ?? 250;
  for (;;) {
    const result = await runPass(r, options);
    if (settled(result)) return { ...result, interrupted: false };
    if (options.signal?.aborted === true) return { ...result, interrupted: true };
    const interrupted = await watchRunning(r, pollMs, options.signal);
    if (interrupted) return { ...result, interrupted: true };
  }
}

/** True when another pass cannot make progress without a human (or there is nothing left). */
export function settled(result: PassResult): boolean {
  if (result.complete || result.untilReached || result.badData) return true;
  if (result.failed.length > 0 || result.conflicts.length > 0 || result.blocked.length > 0 || result.awaiting.length > 0) return true;
  return result.running.length === 0 && result.dispatched.length === 0 && result.completed.length === 0;
}

/**
 * Watches the active runs until one of them ends; emits progress meanwhile. Returns true on
 * abort. An ending is noticed the moment the wrapper renames exit.json into place (a file
 * watch); the poll remains for what no file event reports (a wrapper that died) and for
 * progress. Waking only on the poll cost up to a poll interval per phase (measured in
 * `npm run bench`: about half the runner's own time per phase on a small repository).
 */
async function watchRunning(r: Runner, pollMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  for (;;) {
    const runs = r.store.activeRuns(r.workstream.name).filter((run) => run.step === 'dispatched');
    if (runs.length === 0) return false;
    const wake = watchAgents(runs, (run, elapsedMs, line) => {
      r.emit({ type: 'progress', phase: phaseOf(run), runId: run.run_id, elapsedMs, line });
    });
    if (wake === undefined) return false;
    try {
      if (await sleep(pollMs, signal, wake.appeared)) return true;
    } finally {
      wake.close();
    }
  }
}

/**
 * Watches for the end of each of `runs`' agents (their exit.json appearing), and tells each one
 * still working with its elapsed time and latest output line. Undefined (nothing left to close)
 * when one of them has ended already: it is checked after the watch is set up, so an exit.json
 * renamed in between is not missed.
 */
export function watchAgents(runs: readonly RunRow[], working: (run: RunRow, elapsedMs: number, line: string | undefined) => void): FileWatch | undefined {
  const exits = runs.map((run) => runFiles(run.run_dir).exit);
  const wake = fileWatch(exits);
  for (const [i, run] of runs.entries()) {
    if (existsSync(exits[i] ?? '') || !wrapperAlive(run.run_dir, run.wrapper_pid, run.launch)) {
      wake.close();
      return undefined;
    }
    working(run, Date.now() - Date.parse(run.dispatched_at), latestOutputLine(run.run_dir));
  }
  return wake;
}

interface FileWatch {
  /** Resolves when one of the files appears (or may have: any event naming it). */
  readonly appeared: Promise<void>;
  readonly close: () => void;
}

/** A watch on the directories of `files`; a directory that cannot be watched falls back to the poll. */
export function fileWatch(files: readonly string[]): FileWatch {
  const watchers: FSWatcher[] = [];
  let resolve = (): void => undefined;
  const appeared = new Promise<void>((done) => (resolve = done));
  for (const file of files) {
    const name = basename(file);
    try {
      const watcher = watch(dirname(file), { persistent: false }, (_event, changed) => {
        if (changed === null || changed === name) resolve();
      });
      watcher.on('error', () => undefined);
      watchers.push(watcher);
    } catch {
      // The run directory is gone or the platform has no watch: the poll still notices.
    }
  }
  return {
    appeared,
    close: () => {
      for (const w of watchers) w.close();
    },
  };
}

/** Resolves true when aborted before the time is up; false when the time is up or `early` resolves. */
export function sleep(ms: number, signal: AbortSignal | undefined, early?: Promise<void>): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve(true);
      return;
    }
    const finish = (aborted: boolean): void => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', onAbort);
      resolve(aborted);
    };
    const timer = setTimeout(() => {
      finish(false);
    }, ms);
    const onAbort = (): void => {
      finish(true);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
    void early?.then(() => {
      finish(false);
    });
  });
}
