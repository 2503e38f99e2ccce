// `run --workstream execution`: the execution loop with rendering (the board on a terminal,
// plain lines, or NDJSON), stop signals, and the exit code of DESIGN.md: 0 when every task is
// merged (or, without --wait, when the work goes on), 1 when a task failed for good, 2 when a
// human is needed otherwise (a conflict, an approval), 130/143/129 when stopped.
import { ExitCode } from '../exit-codes.js';
import type { RunnerEvent, TaskEvent } from '../runner/events.js';
import type { ExecutionStatusView } from '../execute/status.js';
import type { ExecRunResult } from '../execute/run.js';
import type { Execution } from '../execute/context.js';
import { Output } from './output.js';
import { executionStatusLines } from './render/execution-status.js';
import { renderer } from './render/events.js';
import { onStopSignal, signalExitCode, type StopSignal } from './signals.js';

export interface DriveExecutionOptions {
  readonly cwd: string;
  readonly wait: boolean;
  readonly concurrency?: number | undefined;
  /** What the verb does first, with the lock held (retry, approve, reject of a task); then the loop runs. */
  readonly before?: (x: Execution) => void | Promise<void>;
  /** The task the verb names: an unknown one is refused before anything else. */
  readonly task?: string;
}

export async function driveExecution(out: Output, options: DriveExecutionOptions): Promise<number> {
  const { withExecution } = await import('../execute/open.js');
  const { runExecution } = await import('../execute/run.js');
  const { executionStatus } = await import('../execute/status.js');
  const { EXECUTION } = await import('../workstream/execution.js');
  const render = renderer(out);
  const emit = (event: RunnerEvent | TaskEvent): void => {
    render(event);
  };
  const abort = new AbortController();
  let stopped: StopSignal | undefined;
  const removeHandlers = onStopSignal((signal) => {
    stopped = signal;
    abort.abort();
  });
  let result: ExecRunResult;
  let view: ExecutionStatusView;
  try {
    [result, view] = await withExecution(options.cwd, emit, { concurrency: options.concurrency, task: options.task }, async (x) => {
      await options.before?.(x);
      const ran = await runExecution(x, { wait: options.wait, signal: abort.signal });
      return [ran, executionStatus(x.exec, x.store.tasks(EXECUTION), x.config.base)] as const;
    });
  } finally {
    removeHandlers();
  }
  const code = stopped !== undefined ? signalExitCode(stopped) : exitCodeOf(result, view);
  if (out.json) {
    out.event({ type: 'result', exit_code: code, ...(stopped === undefined ? {} : { signal: stopped }), result: { dispatched: result.dispatched, merged: result.merged, waits: result.report.waits, stuck: result.report.stuck }, status: view });
  } else {
    out.line('');
    for (const line of executionStatusLines(view, out.columns)) out.line(line);
  }
  return code;
}

function exitCodeOf(result: ExecRunResult, view: ExecutionStatusView): number {
  if (view.complete) return ExitCode.ok;
  if (view.tasks.some((t) => t.state === 'failed' && t.attempts_left === 0)) return ExitCode.phaseFailed;
  if (result.report.waits.length > 0 && !result.report.possible) return ExitCode.humanNeeded;
  return ExitCode.ok;
}
