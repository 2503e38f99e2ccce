// Shared by `run`, `retry`, `approve`, `reject` and `demo`: drive the loop with rendering,
// stop-signal handling (Ctrl-C, SIGTERM, SIGHUP), and the exit code of DESIGN.md.
import type { Argv } from 'yargs';
import { fail } from '../failures.js';
import { UsageError } from './check-args.js';
import { stepArg } from './step-arg.js';
import type { Execution } from '../execute/context.js';
import type { RunnerEvent, TaskEvent } from '../runner/events.js';
import type { Runner, Validated } from '../runner/context.js';
import type { PassResult } from '../runner/loop.js';
import type { StatusView } from '../runner/status.js';
import type { GlobalArgs } from './globals.js';
import { Output } from './output.js';
import { runCommand } from './run-command.js';
import { outcomeText } from './render/outcome.js';
import { renderer } from './render/events.js';
import { onStopSignal, signalExitCode, type StopSignal } from './signals.js';

export interface DriveOptions {
  readonly cwd: string;
  readonly wait: boolean;
  readonly until?: number | undefined;
  /** Phase numbers given on the command line: checked before anything is touched. */
  readonly phases?: readonly number[];
  /** What the verb does first, with the lock held (retry, approve, reject); then the loop runs. */
  readonly before?: (r: Runner) => void | Promise<void>;
  /**
   * With --wait: called when the loop has settled; returning true runs it again (the demo
   * plays the human who approves).
   */
  readonly onSettled?: (r: Runner, result: PassResult) => Promise<boolean>;
  /** Extra fields for the JSON result document. */
  readonly extra?: Record<string, unknown>;
  /** With --json: stream NDJSON events (run --wait) instead of one document at the end. */
  readonly ndjson?: boolean;
}

export interface DriveResult {
  readonly code: number;
  /** Status after the run, for callers that show it (demo). */
  readonly view: StatusView;
}

export async function drive(out: Output, options: DriveOptions): Promise<DriveResult> {
  const { withRunner } = await import('../runner/session.js');
  const { runPass } = await import('../runner/loop.js');
  const { runUntilSettled } = await import('../runner/wait.js');
  const { buildStatus } = await import('../runner/status.js');
  const { exitCodeOf } = await import('../runner/outcome.js');

  const render = renderer(out);
  const events: (RunnerEvent | TaskEvent)[] = [];
  // One JSON document unless NDJSON was asked for (run --wait --json): then events go out as they happen.
  const ndjson = options.ndjson ?? options.wait;
  const streaming = !out.json || ndjson;
  const emit = (event: RunnerEvent | TaskEvent): void => {
    if (streaming) render(event);
    else if (event.type !== 'progress') events.push(event);
  };

  // With --wait, a stop signal ends the wait: the pass under way finishes, the lock is
  // released, and the agents keep running for the next `run` to collect. (A single pass is
  // short and safe to kill anywhere: the next runner takes over a dead holder's lock.)
  const abort = new AbortController();
  let stopped: StopSignal | undefined;
  const removeHandlers = options.wait
    ? onStopSignal((signal) => {
        stopped = signal;
        abort.abort();
      })
    : () => undefined;

  // Phase numbers in the arguments are checked before anything is touched.
  const precheck = (v: Validated): void => {
    for (const phase of [options.until, ...(options.phases ?? [])]) {
      if (phase !== undefined && !v.workstream.phaseIds.includes(phase)) {
        fail({ reason: 'unknown-phase', phase, known: [...v.workstream.phaseIds] });
      }
    }
  };
  const pass = async (r: Runner): Promise<PassResult & { interrupted?: boolean }> => {
    await options.before?.(r);
    if (!options.wait) return runPass(r, { until: options.until });
    for (;;) {
      const result = await runUntilSettled(r, { until: options.until, signal: abort.signal });
      if (result.interrupted || options.onSettled === undefined || !(await options.onSettled(r, result))) return result;
    }
  };
  let result: PassResult & { interrupted?: boolean };
  let view: StatusView;
  try {
    // The status comes from the runner that just ran, while its store is still open.
    [result, view] = await withRunner(options.cwd, emit, async (r) => [await pass(r), buildStatus(r, r.store)] as const, { precheck });
  } finally {
    removeHandlers();
  }

  const signal = result.interrupted === true ? stopped : undefined;
  const code = signal === undefined ? exitCodeOf(result) : signalExitCode(signal);
  if (out.json) {
    const doc = { type: 'result', exit_code: code, ...(signal === undefined ? {} : { signal }), ...(options.extra ?? {}), result, status: view };
    if (ndjson) out.event(doc);
    else out.document({ ...doc, events });
  } else {
    const text = outcomeText(result, view, options.until, signal);
    if (text.info.length > 0) out.line('');
    for (const line of text.info) out.line(line);
    for (const line of text.problems) out.error(line);
  }
  return { code, view };
}

export interface PhaseVerbArgs extends GlobalArgs {
  /** A phase number, or an execution task's id (stepArg). */
  readonly phase: string;
  readonly wait: boolean;
  readonly until?: number | undefined;
}

/**
 * The handler of a verb that acts on one phase (retry, approve, reject): the action runs with
 * the lock held, after the phase number is checked, and the loop then continues like `run`.
 */
export async function runPhaseVerb(args: PhaseVerbArgs, action: (r: Runner, phase: number) => void | Promise<void>, taskAction?: (x: Execution, task: string) => void | Promise<void>): Promise<void> {
  const out = new Output(args.json);
  const target = stepArg(args.phase);
  if (target.kind === 'task' && taskAction !== undefined) {
    const { driveExecution } = await import('./drive-execution.js');
    process.exitCode = await runCommand(out, () => driveExecution(out, { cwd: args.cwd, wait: args.wait, task: target.id, before: (x) => taskAction(x, target.id) }));
    return;
  }
  if (target.kind === 'task') throw new Error('a task id reached a verb for phases only (its arguments check refuses it)');
  process.exitCode = await runCommand(out, async () => (await drive(out, { cwd: args.cwd, wait: args.wait, until: args.until, phases: [target.phase], before: (r) => action(r, target.phase) })).code);
}

/**
 * The arguments every phase verb takes: the phase (or, `tasks`, an execution task's id), and
 * --wait to keep going like `run --wait`.
 */
export function phaseVerbArgs<T>(y: Argv<T>, { tasks = true }: { readonly tasks?: boolean } = {}) {
  return y
    .positional('phase', { type: 'string', demandOption: true, describe: tasks ? 'The phase number, or an execution task\'s id (T-003)' : 'The phase number' })
    .option('wait', { type: 'boolean', default: false, describe: 'Then keep going like `run --wait`' })
    .check((a) => {
      const target = stepArg(a.phase);
      if (target.kind === 'task' && !tasks) throw new UsageError('<phase> must be a number, such as 2.');
      if (target.kind === 'task' && a['until'] !== undefined) throw new UsageError('--until is for planning phases; it does not go with a task.');
      return true;
    });
}
