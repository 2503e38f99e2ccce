// Failing a task's attempt: its files kept (the commit it got on a ref of its own, or a
// snapshot of its checkout, as a phase's), the notes its next attempt's prompt needs written
// into its run directory, the failure recorded. Within its attempt budget the scheduler
// dispatches it again from the base as it is then; past it, it waits for a human and its
// dependents are blocked.
import { updateRefCas } from '../git/commit.js';
import { resolveCommit } from '../git/repo.js';
import { crashPoint } from '../runner/crash-points.js';
import { keepFiles } from '../runner/fail-run.js';
import { attemptSnapshotRef } from '../runner/naming.js';
import { tooMuchToKeep } from '../runner/output-limits.js';
import type { RunRow } from '../store/store.js';
import { EXECUTION, type TaskStep } from '../workstream/execution.js';
import { writeAttemptNotes, type AttemptNotes } from './attempt-notes.js';
import type { Execution } from './context.js';
import { absorbRunnerRefMoves } from '../runner/runner-ref-moves.js';
import { taskRow } from './dispatch-task.js';
import { spent } from './schedule-state.js';

/**
 * Keeps an attempt's task commit on the attempt's own ref, as a failed phase's files are, so a
 * new attempt (which resets the branch) loses nothing. Create-only: a runner that died after
 * this finds the ref there. Returns the ref.
 */
export async function keepTaskCommit(x: Execution, run: RunRow, commit: string, why: 'failed' | 'conflicted' | 'rejected'): Promise<string> {
  const ref = attemptSnapshotRef(run.run_id);
  await updateRefCas(x.repo.root, ref, commit, undefined, `phaserunner: ${why} attempt ${run.attempt} of task ${run.step_id}`);
  absorbRunnerRefMoves(x, [{ ref, from: undefined, to: commit }]);
  return ref;
}

export async function failTask(x: Execution, run: RunRow, step: TaskStep, failure: string, notes: AttemptNotes = {}): Promise<void> {
  let snapshot: string | null;
  let reason = failure;
  if (run.step === 'committed' && run.commit_sha !== null) {
    snapshot = await keepTaskCommit(x, run, run.commit_sha, 'failed');
  } else if ((await resolveCommit(x.repo.root, attemptSnapshotRef(run.run_id))) !== undefined) {
    // Kept already, by a runner killed before it recorded the failure. Not kept again: a new
    // snapshot would move a ref the fingerprints of the agents at work hold, and fail them.
    snapshot = attemptSnapshotRef(run.run_id);
  } else {
    const unkept = await tooMuchToKeep(x, run, step);
    snapshot = unkept === undefined ? await keepFiles(x, run, step.outputs, `task ${step.id}`) : null;
    if (unkept !== undefined) reason = `${failure} ${unkept}`;
    if (snapshot !== null) absorbRunnerRefMoves(x, [{ ref: snapshot, from: undefined, to: await resolveCommit(x.repo.root, snapshot) }]);
  }
  crashPoint('fail:snapshot-kept');
  writeAttemptNotes(run.run_dir, notes);
  const row = taskRow(x, step.id);
  x.store.write(() => {
    x.store.updateRun(run.run_id, { step: 'failed', failure: reason });
    x.store.transitionTask(EXECUTION, step.id, run.run_id, 'failed', `attempt ${run.attempt} failed: ${reason}`);
  });
  crashPoint('fail:recorded');
  x.emit({
    type: 'task-failed',
    task: step.id,
    runId: run.run_id,
    attempt: run.attempt,
    maxAttempts: step.maxAttempts,
    reason,
    runDir: run.run_dir,
    snapshot,
    forGood: spent(row) >= step.maxAttempts,
  });
}
