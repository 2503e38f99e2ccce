// `run --wait`: pass after pass until the workstream is done, `--until` is reached, or a
// human is needed. Between passes it watches the running agents and reports progress.
import type { Runner } from './context.js';
import { runPass, type PassOptions, type PassResult } from './loop.js';
import { latestOutputLine } from './progress.js';
import { runFiles } from '../dispatch/run-dir.js';
import { existsSync } from 'node:fs';
import { wrapperAlive } from '../dispatch/probe.js';

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

/** Polls the active runs until one of them ends; emits progress meanwhile. Returns true on abort. */
async function watchRunning(r: Runner, pollMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  for (;;) {
    const runs = r.store.activeRuns(r.workstream.name).filter((run) => run.step === 'dispatched');
    if (runs.length === 0) return false;
    for (const run of runs) {
      const ended = existsSync(runFiles(run.run_dir).exit) || !wrapperAlive(run.run_dir, run.wrapper_pid);
      if (ended) return false;
      r.emit({
        type: 'progress',
        phase: run.phase,
        runId: run.run_id,
        elapsedMs: Date.now() - Date.parse(run.dispatched_at),
        line: latestOutputLine(run.run_dir),
      });
    }
    if (await sleep(pollMs, signal)) return true;
  }
}

/** Resolves true when aborted before the time is up. */
function sleep(ms: number, signal: AbortSignal | undefined): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal?.aborted === true) {
      resolve(true);
      return;
    }
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}
