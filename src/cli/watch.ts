// `phaserunner status --watch`: follow a workstream read-only, whoever drives it. It takes no
// lock and writes nothing (src/runner/watch.ts), so it works while a `run --wait` holds the
// lock, which refuses a second runner. It ends by itself when nothing will change without a
// human, and on Ctrl-C, SIGTERM or SIGHUP.
import { ExitCode } from '../exit-codes.js';
import type { WatchSnapshot } from '../runner/watch.js';
import type { Output } from './output.js';
import { changeLines, contextLines, watchDocument, watchFrame } from './render/watch.js';
import { statusLines } from './render/status.js';
import { onStopSignal, signalExitCode, stoppedBy, type StopSignal } from './signals.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Watches until settled (exit 0, as `status`) or a stop signal (128 + its number). */
export async function watchStatus(out: Output, cwd: string, intervalMs: number): Promise<number> {
  const { Watcher, watchSettled } = await import('../runner/watch.js');
  const watcher = new Watcher(cwd);
  const show = shower(out, intervalMs);
  const abort = new AbortController();
  let stopped: StopSignal | undefined;
  const removeHandlers = onStopSignal((signal) => {
    stopped = signal;
    abort.abort();
  });
  const stop = (last: WatchSnapshot | undefined): number => {
    if (last !== undefined) show.end(last, undefined);
    const signal = stopped ?? 'SIGINT';
    out.error(`${stoppedBy(signal)}: stopped watching. The runner and its agents, if any, go on.`);
    out.error('Next: `phaserunner status --watch` follows them again.');
    return signalExitCode(signal);
  };
  let last: WatchSnapshot | undefined;
  try {
    for (;;) {
      let snapshot: WatchSnapshot;
      try {
        snapshot = await watcher.snapshot();
      } catch (error) {
        // Ctrl-C reaches the git a look may be running (same process group): that is the stop, not a failure.
        if (abort.signal.aborted) return stop(last);
        throw error;
      }
      if (watchSettled(snapshot)) {
        show.end(snapshot, snapshot.view.complete ? 'planning is complete.' : 'no runner holds the lock and no agent is working, so nothing changes until you act.');
        return ExitCode.ok;
      }
      show.tick(snapshot);
      last = snapshot;
      if (await sleep(intervalMs, abort.signal)) return stop(last);
    }
  } finally {
    removeHandlers();
  }
}

interface Shower {
  /** Shows a snapshot while watching. */
  tick(s: WatchSnapshot): void;
  /** Shows the last snapshot, and why the watch ended (undefined: it was stopped). */
  end(s: WatchSnapshot, why: string | undefined): void;
}

function shower(out: Output, intervalMs: number): Shower {
  if (out.json) return jsonShower(out);
  if (out.interactive) return terminalShower(out, intervalMs);
  return logShower(out);
}

/** NDJSON: a document for the first snapshot and for each that differs from the one before. */
function jsonShower(out: Output): Shower {
  let last = '';
  const show = (s: WatchSnapshot): void => {
    const doc = watchDocument(s);
    const text = JSON.stringify(doc);
    if (text === last) return;
    last = text;
    out.event(doc);
  };
  return { tick: show, end: show };
}

/** A terminal: the frame, redrawn in place every tick (the agents' elapsed times move). */
function terminalShower(out: Output, intervalMs: number): Shower {
  let tick = 0;
  const every = `${intervalMs / 1000}s`;
  return {
    tick: (s) => {
      const spinner = SPINNER[tick++ % SPINNER.length] ?? '';
      out.frame(watchFrame(s, out.columns, `${spinner} watching (every ${every}); Ctrl-C stops watching, not the runner`));
    },
    end: (s, why) => {
      out.frame(watchFrame(s, out.columns, why === undefined ? 'Stopped watching.' : `Stopped watching: ${why}`));
    },
  };
}

/**
 * Logs: the table once, then a line per change (a phase's state, the runner, an agent's
 * latest output), then the table again at the end if anything changed.
 */
function logShower(out: Output): Shower {
  let last: WatchSnapshot | undefined;
  let changed = false;
  const show = (s: WatchSnapshot): void => {
    if (last === undefined) {
      for (const line of [...statusLines(s.view), '', ...contextLines(s)]) out.line(line);
    } else {
      for (const line of changeLines(last, s)) {
        out.line(line);
        changed = true;
      }
    }
    last = s;
  };
  return {
    tick: show,
    end: (s, why) => {
      show(s);
      if (changed) {
        out.line('');
        for (const line of statusLines(s.view)) out.line(line);
        out.line('');
      }
      out.line(why === undefined ? 'Stopped watching.' : `Stopped watching: ${why}`);
    },
  };
}

/** Resolves true when aborted before the time is up. */
function sleep(ms: number, signal: AbortSignal): Promise<boolean> {
  return new Promise((resolve) => {
    if (signal.aborted) {
      resolve(true);
      return;
    }
    const onAbort = (): void => {
      clearTimeout(timer);
      resolve(true);
    };
    const timer = setTimeout(() => {
      signal.removeEventListener('abort', onAbort);
      resolve(false);
    }, ms);
    signal.addEventListener('abort', onAbort, { once: true });
  });
}
