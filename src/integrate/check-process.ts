// One check as a child process, in its own process group, bounded by its timeout and by an
// abort. Like runBounded (src/util/process.ts), whose shape it keeps, but a check is over when
// its process exits, not when its output pipes close: a test suite that leaves a server
// running with the suite's stdout (`node server.js & npm test`) would otherwise keep it
// "running" until its timeout, stalling the merge queue and reporting a timeout for a check
// that finished. What it left running is stopped then (stopMarked), which closes the pipes.
import { spawn } from 'node:child_process';
import { killGroup } from '../util/process.js';
import { startTicksOf } from '../util/procfs.js';
import { INTEGRATION_ENV, stopMarked, type MarkedFilter } from './marked-processes.js';

export interface CheckRun {
  /** null when it did not exit by itself (killed for its timeout or the abort, by a signal, or never started). */
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  readonly aborted: boolean;
  /** Combined stdout and stderr, the last `maxOutput` characters. */
  readonly output: string;
  readonly spawnError?: string;
}

export interface CheckProcessOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Set as INTEGRATION_ENV in its environment (and so in all it starts): how leftovers are found. */
  readonly mark: string;
  readonly timeoutMs: number;
  readonly maxOutput: number;
  readonly signal?: AbortSignal | undefined;
}

/** How long the output pipes may stay open after the check and its leftovers were stopped (a process that dropped the mark). */
const DRAIN_MS = 2_000;

export function runCheckProcess(argv: readonly string[], options: CheckProcessOptions): Promise<CheckRun> {
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    if (file === undefined) {
      resolve({ exitCode: null, signal: null, timedOut: false, aborted: false, output: '', spawnError: 'empty command' });
      return;
    }
    let output = '';
    let timedOut = false;
    let aborted = false;
    let exited: { code: number | null; signal: string | null } | undefined;
    let settled = false;
    const child = spawn(file, args, { cwd: options.cwd, env: { ...options.env, [INTEGRATION_ENV]: options.mark }, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    const append = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > options.maxOutput * 2) output = output.slice(-options.maxOutput);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    // Its processes: marked with its checkout, and started no earlier than it.
    const ours: MarkedFilter = { which: (checkout) => checkout === options.mark, since: child.pid === undefined ? undefined : startTicksOf(child.pid) };
    // Everything of the check's: its process group, and whatever carries its mark elsewhere.
    const stopAll = (): void => {
      killGroup(child.pid, 'SIGKILL');
      void stopMarked(ours);
    };
    const timer = setTimeout(() => {
      timedOut = true;
      stopAll();
    }, options.timeoutMs);
    const onAbort = (): void => {
      aborted = true;
      stopAll();
    };
    options.signal?.addEventListener('abort', onAbort, { once: true });
    const finish = (result: CheckRun): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      options.signal?.removeEventListener('abort', onAbort);
      resolve(result);
    };
    child.on('error', (error) => {
      finish({ exitCode: null, signal: null, timedOut: false, aborted, output, spawnError: error.message });
    });
    child.on('exit', (code, signal) => {
      exited = { code, signal };
      // The check is over: what it left running goes, and with it what holds its pipes open.
      killGroup(child.pid, 'SIGKILL');
      void stopMarked(ours).then(() => {
        setTimeout(() => {
          child.stdout.destroy();
          child.stderr.destroy();
        }, DRAIN_MS).unref();
      });
    });
    child.on('close', (code, signal) => {
      const end = exited ?? { code, signal };
      // Once more before it counts as over: a process the check forked just as it exited may
      // not have been found the first time (its environment is unreadable while it execs).
      void stopMarked(ours).finally(() => {
        finish({ exitCode: timedOut || aborted ? null : end.code, signal: end.signal, timedOut, aborted, output: output.slice(-options.maxOutput) });
      });
    });
  });
}

/**
 * Why a check's run failed, in words (`line` is its command line), or undefined when it exited
 * 0. `detail` replaces the end of its output after a non-zero exit.
 */
export function runFailure(run: CheckRun, line: string, timeoutSeconds: number, detail?: string): string | undefined {
  if (run.spawnError !== undefined) return `\`${line}\` could not start: ${run.spawnError}.`;
  if (run.timedOut) return `\`${line}\` did not finish within ${timeoutSeconds}s and was killed.`;
  if (run.exitCode === 0) return undefined;
  const how = run.signal !== null ? `was killed by ${run.signal}` : `exited ${run.exitCode ?? '?'}`;
  const tail = run.output.trim().split('\n').slice(-3).join(' | ');
  return `\`${line}\` ${how}${detail ?? (tail === '' ? '.' : `: ${tail}`)}`;
}
