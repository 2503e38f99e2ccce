// How an attempt that did not end cleanly is told, and what it left running stopped: the same
// for a phase's attempt (collect.ts) and a task's (src/execute/collect-task.ts).
import { runFiles } from '../dispatch/run-dir.js';
import type { AttemptProbe } from '../dispatch/probe.js';
import { nameStragglers, reapAttempt } from '../dispatch/reap.js';
import type { RunRow } from '../store/store.js';
import { killGroup } from '../util/process.js';

type Probe<K extends AttemptProbe['kind']> = Extract<AttemptProbe, { readonly kind: K }>;

/**
 * Why an attempt whose agent never started is given up, or undefined to start it (again). A
 * runner killed is never the attempt's fault, however often; but a wrapper the runner saw
 * running that exits without claiming, again and again, cannot start (its errors are in
 * wrapper.log), and launching it forever would help nobody.
 */
export function wrapperGaveUp(run: RunRow, probe: Probe<'not-started'>): string | undefined {
  if (probe.wrapperFailures < WRAPPER_FAILURES) return undefined;
  return `the dispatch wrapper exited ${probe.wrapperFailures} times before it started the agent (see ${runFiles(run.run_dir).wrapperLog}); no agent ran for this attempt.`;
}

/** Wrappers that exit without claiming their launch before an attempt is given up. */
const WRAPPER_FAILURES = 3;

/** An attempt to start whose prompt is gone with its run directory (removed by hand). */
export function promptGone(run: RunRow): string {
  return `the runner stopped before starting the agent, and the attempt's prompt (${runFiles(run.run_dir).prompt}) is gone; the attempt never ran.`;
}

/**
 * Stops what a crashed attempt left: an agent whose wrapper died must not keep writing into a
 * checkout nobody watches, nor must anything else it started (with no wrapper left to stop
 * them, they are found by the run id in their environment). Returns why the attempt failed.
 */
export async function stopCrashed(run: RunRow, probe: Probe<'crashed'>): Promise<string> {
  if (probe.orphanedAgent !== undefined) killGroup(probe.orphanedAgent, 'SIGKILL');
  const stopped = probe.orphanedAgent === undefined ? '' : ` (its agent, pid ${probe.orphanedAgent}, was still running and has been stopped)`;
  const others = (await reapAttempt({ runId: run.run_id, settleMs: 200, deadlineMs: 2_000 })).stragglers.filter((p) => p.pid !== probe.orphanedAgent);
  const alsoStopped = others.length === 0 ? '' : `; ${others.length === 1 ? 'another process' : `${others.length} other processes`} of the attempt still ran and ${others.length === 1 ? 'has' : 'have'} been stopped (${nameStragglers(others)})`;
  return `${probe.detail}${stopped}${alsoStopped}; the attempt crashed.`;
}

export function badExitFile(probe: Probe<'bad-exit-file'>): string {
  const problems = probe.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
  return `${probe.file} is not a valid exit.json (${problems}); the attempt cannot count as finished.`;
}

/** A failure's reason, with what the agent also changed outside its checkout. */
export function withContainment(reason: string, contained: string | undefined): string {
  return contained === undefined ? reason : `${reason} Also, ${contained}`;
}
