// What a person decides about a task: `retry T-003` (a failed or conflicted task goes back to
// pending with a fresh attempt budget), `approve T-003` and `reject T-003` (a verified task
// that needs approval: bound to its commit and that commit's Artifacts-Digest, as a phase's;
// recorded with the user's proof, src/runner/approval-proof.ts).
import { artifactsDigest } from '../git/digest.js';
import { resolveCommit } from '../git/repo.js';
import type { ApprovalTrailers } from '../git/trailers.js';
import { fail } from '../failures.js';
import { deciderProblem, proven } from '../runner/approval.js';
import { provenDecision } from '../runner/approval-proof.js';
import { crashPoint } from '../runner/crash-points.js';
import type { RunRow } from '../store/store.js';
import { EXECUTION, type TaskStep } from '../workstream/execution.js';
import type { Execution } from './context.js';
import { taskRow } from './dispatch-task.js';
import { keepTaskCommit } from './fail-task.js';
import { spent } from './schedule-state.js';

/** The task of an id the user gave, or the failure naming the tasks there are. */
export function taskOf(x: Execution, id: string): TaskStep {
  const step = x.exec.stepFor(id);
  if (step === undefined) fail({ reason: 'unknown-task', task: id, known: [...x.exec.stepIds] });
  return step;
}

export function requestTaskRetry(x: Execution, id: string): void {
  const step = taskOf(x, id);
  const row = taskRow(x, step.id);
  if (row.state !== 'failed' && row.state !== 'conflict') fail({ reason: 'task-retry-refused', task: id, state: row.state });
  // A person looked: the task gets its whole budget again (max_attempts counts from here).
  x.store.transitionTask(EXECUTION, id, null, 'pending', `retry requested after ${spent(row)} attempt(s): ${step.maxAttempts} more allowed`, { attempts_base: row.attempts });
  crashPoint('retry:recorded');
}

export interface TaskDecision {
  readonly task: string;
  readonly by: string;
  /** The note of an approval, the reason of a rejection. */
  readonly text: string | undefined;
}

export async function approveTask(x: Execution, d: TaskDecision): Promise<void> {
  const { run, commit, digest } = await pendingReview(x, d, 'approve');
  x.store.write(() => {
    x.store.recordApproval(proven({ workstream: EXECUTION, step_id: d.task, run_id: run.run_id, decision: 'approved', by: d.by, note: d.text ?? null, commit_sha: commit, digest }));
    x.store.transitionTask(EXECUTION, d.task, run.run_id, 'queued', `approved by ${d.by}; in the merge queue`);
  });
  crashPoint('approve:recorded');
}

export async function rejectTask(x: Execution, d: TaskDecision & { readonly text: string }): Promise<void> {
  if (d.text.trim() === '') fail({ reason: 'task-approval-refused', task: d.task, verb: 'reject', cause: 'no-reason', detail: '--reason is empty; the next attempt needs to know what to change' });
  const { run, step, commit, digest } = await pendingReview(x, d, 'reject');
  await keepTaskCommit(x, run, commit, 'rejected');
  const failure = `${d.by} rejected it: ${d.text}`;
  const exhausted = spent(taskRow(x, d.task)) >= step.maxAttempts;
  x.store.write(() => {
    x.store.recordApproval(proven({ workstream: EXECUTION, step_id: d.task, run_id: run.run_id, decision: 'rejected', by: d.by, note: d.text, commit_sha: commit, digest }));
    x.store.updateRun(run.run_id, { step: 'rejected', failure });
    x.store.transitionTask(EXECUTION, d.task, run.run_id, exhausted ? 'failed' : 'pending', `attempt ${run.attempt} rejected by ${d.by}: ${d.text}`, { commit_sha: null });
  });
  crashPoint('reject:recorded');
}

/**
 * The approval a task's merge carries: the last decision `approve` recorded on this attempt,
 * still bound to the commit its branch holds. Undefined when there is none that counts.
 */
export async function approvalOf(x: Execution, run: RunRow): Promise<ApprovalTrailers | undefined> {
  const last = x.store.decisionsOn(run.run_id).filter((d) => provenDecision(d)).at(-1);
  if (last?.decision !== 'approved' || run.commit_sha === null || last.commit_sha !== run.commit_sha) return undefined;
  if ((await resolveCommit(x.repo.root, `refs/heads/${run.branch}`)) !== run.commit_sha) return undefined;
  return { by: last.by, at: last.at, digest: last.digest };
}


async function pendingReview(x: Execution, d: TaskDecision, verb: 'approve' | 'reject'): Promise<{ run: RunRow; step: TaskStep; commit: string; digest: string }> {
  const who = deciderProblem(d.by);
  if (who !== undefined) fail({ reason: 'task-approval-refused', task: d.task, verb, ...who });
  const step = taskOf(x, d.task);
  const row = taskRow(x, d.task);
  const run = x.store.runs(EXECUTION, d.task).at(-1);
  if (row.state !== 'awaiting_approval' || run?.commit_sha == null || run.step !== 'committed') {
    fail({ reason: 'task-approval-refused', task: d.task, verb, cause: 'not-awaiting', detail: row.state });
  }
  const commit = run.commit_sha;
  const tip = await resolveCommit(x.repo.root, `refs/heads/${run.branch}`);
  if (tip !== commit) {
    fail({ reason: 'task-approval-refused', task: d.task, verb, cause: 'branch-changed', detail: `${run.branch} is at ${tip ?? '(deleted)'}, but phaserunner committed ${commit}; only that commit can be reviewed. Put it back with \`git update-ref refs/heads/${run.branch} ${commit}\`` });
  }
  return { run, step, commit, digest: await artifactsDigest(x.repo.root, commit, step.outputs) };
}
