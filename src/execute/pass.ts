// One pass of the execution loop: apply what the background work finished (a task's checks,
// the merge queue's candidate), collect the agents that ended, start the background work that
// is due, block the dependents of tasks that failed for good, dispatch what the scheduler
// says, and report whether anything can go on without a human. Re-entrant, as planning's.
import { existsSync } from 'node:fs';
import { resolveCommit } from '../git/repo.js';
import { deleteBranch, discardWorktree } from '../git/worktree.js';
import { blockedBy, nextToDispatch, progressPossible, type ProgressReport } from '../execution/schedule.js';
import { crashPoint } from '../runner/crash-points.js';
import type { RunRow, TaskRow } from '../store/store.js';
import type { ConflictSide } from '../integrate/conflict-sides.js';
import { EXECUTION, type TaskStep } from '../workstream/execution.js';
import { trashRoot, type Execution } from './context.js';
import { collectTask } from './collect-task.js';
import { dispatchTask } from './dispatch-task.js';
import { failTask, keepTaskCommit } from './fail-task.js';
import { checkNote } from './attempt-notes.js';
import type { Job, Jobs } from './jobs.js';
import { integrateTask, type QueueOutcome } from './merge-queue.js';
import { absorbRunnerRefMoves } from '../runner/runner-ref-moves.js';
import { schedulerState, spent } from './schedule-state.js';
import { verifyTask, type VerifyOutcome } from './verify-task.js';

export type ExecJobs = Jobs<VerifyOutcome, QueueOutcome>;

export interface ExecPassResult {
  readonly dispatched: readonly string[];
  readonly merged: readonly string[];
  readonly report: ProgressReport;
}

/** How long the queue leaves a task that must wait (the user's checkout of the base) before trying again. */
const QUEUE_WAIT_MS = 5_000;
/** At most this long, however often it had to wait: a night of retries stays a few thousand transitions. */
const QUEUE_WAIT_MAX_MS = 120_000;

export async function executionPass(x: Execution, jobs: ExecJobs): Promise<ExecPassResult> {
  const merged: string[] = [];
  // 1. What the background work finished.
  for (const [task, job] of jobs.verifying) {
    if (job.outcome === undefined) continue;
    jobs.verifying.delete(task);
    await applyVerify(x, jobs, job);
  }
  const queued = jobs.queue;
  if (queued?.outcome !== undefined) {
    jobs.queue = undefined;
    if (await applyQueue(x, jobs, queued)) merged.push(queued.task);
  }

  // 2. Agents that ended.
  for (const run of x.store.activeRuns(EXECUTION)) {
    const step = x.exec.stepFor(run.step_id);
    if (step === undefined || x.store.task(EXECUTION, step.id)?.state !== 'running') continue;
    if (run.step === 'dispatched') await collectTask(x, run, step);
    // Committed by a runner that stopped before it recorded the checks' turn: they run now.
    else x.store.transitionTask(EXECUTION, step.id, run.run_id, 'verifying', `attempt ${run.attempt} committed; its checks run`, { commit_sha: run.commit_sha });
  }

  // 3. Background work due: checks of committed attempts, the next candidate of the queue.
  for (const row of x.store.tasks(EXECUTION)) {
    const step = x.exec.stepFor(row.step_id);
    if (step === undefined || row.state !== 'verifying' || jobs.verifying.has(step.id)) continue;
    const run = lastRun(x, step.id);
    if (run?.step !== 'committed') continue;
    jobs.startVerify(step.id, run.run_id, (job) => verifyTask(run, step, job, jobs.signal));
  }
  if (jobs.queue === undefined && Date.now() >= (jobs.queueWait?.until ?? 0)) startQueue(x, jobs);

  // 4. Dependents of tasks that cannot merge without a human.
  const changes = blockedBy(schedulerState(x));
  for (const { id, causes } of changes.block) {
    x.store.transitionTask(EXECUTION, id, null, 'blocked', `blocked by ${causes.join(', ')}: ${causes.length === 1 ? 'it' : 'they'} cannot be merged without a human`);
    x.emit({ type: 'task-blocked', task: id, causes });
  }
  for (const id of changes.unblock) {
    x.store.transitionTask(EXECUTION, id, null, 'pending', 'what blocked it was retried');
    x.emit({ type: 'task-unblocked', task: id });
  }

  // 5. Dispatch.
  const dispatched: string[] = [];
  for (const id of nextToDispatch(schedulerState(x), { concurrency: x.exec.concurrency })) {
    const step = x.exec.stepFor(id);
    if (step === undefined) continue;
    await dispatchTask(x, step);
    dispatched.push(id);
  }
  const report = progressPossible(schedulerState(x), { concurrency: x.exec.concurrency });
  if (report.done && merged.length > 0) x.emit({ type: 'complete', workstream: EXECUTION });
  return { dispatched, merged, report };
}

function lastRun(x: Execution, id: string): RunRow | undefined {
  return x.store.runs(EXECUTION, id).at(-1);
}

/** The next task for the merge queue: one that was going through it when a runner stopped, else the first verified. */
function startQueue(x: Execution, jobs: ExecJobs): void {
  const rows = x.store.tasks(EXECUTION);
  const order = (row: TaskRow): number => x.exec.stepIds.indexOf(row.step_id);
  const next =
    rows.find((r) => r.state === 'integrating') ??
    rows.filter((r) => r.state === 'queued').sort((a, b) => a.updated_at.localeCompare(b.updated_at) || order(a) - order(b))[0];
  if (next === undefined) return;
  const step = x.exec.stepFor(next.step_id);
  const run = lastRun(x, next.step_id);
  if (step === undefined || run?.step !== 'committed') return;
  if (next.state === 'queued') x.store.transitionTask(EXECUTION, step.id, run.run_id, 'integrating', `attempt ${run.attempt}: its merge with ${x.config.base} is tested`);
  jobs.startQueue(step.id, run.run_id, (job) =>
    integrateTask(x, run, step, job, jobs.signal, {
      onCandidate: (candidate, baseTip, checks) => {
        x.emit({ type: 'task-integrating', task: step.id, runId: run.run_id, candidate, baseTip, checks });
      },
    }),
  );
}

async function applyVerify(x: Execution, jobs: ExecJobs, job: Job<VerifyOutcome>): Promise<void> {
  const run = x.store.run(job.runId);
  const step = x.exec.stepFor(job.task);
  if (run === undefined || step === undefined || job.outcome === undefined) return;
  if (!job.outcome.ok) {
    if (jobs.signal.aborted) return; // The runner is stopping: the next one runs the checks again.
    await failTask(x, run, step, `phaserunner could not run the task's checks: ${errorText(job.outcome.error)}`);
    return;
  }
  const outcome = job.outcome.value;
  if (!outcome.ok) {
    const f = outcome.failed;
    await failTask(x, run, step, `its check failed in its checkout: ${f.message}`, { failedCheck: checkNote(f, 'checkout') });
    return;
  }
  if (step.approval) {
    x.store.transitionTask(EXECUTION, step.id, run.run_id, 'awaiting_approval', `attempt ${run.attempt} passed its ${outcome.checks} check(s); a human approves it before it is merged`);
    x.emit({ type: 'task-awaiting-approval', task: step.id, runId: run.run_id, commit: run.commit_sha ?? '' });
    return;
  }
  x.store.transitionTask(EXECUTION, step.id, run.run_id, 'queued', `attempt ${run.attempt} passed its ${outcome.checks} check(s); in the merge queue`);
  x.emit({ type: 'task-verified', task: step.id, runId: run.run_id, checks: outcome.checks });
}

/** Applies the queue's outcome; true when the task is merged now. */
async function applyQueue(x: Execution, jobs: ExecJobs, job: Job<QueueOutcome>): Promise<boolean> {
  const run = x.store.run(job.runId);
  const step = x.exec.stepFor(job.task);
  if (run === undefined || step === undefined || job.outcome === undefined) return false;
  if (!job.outcome.ok) {
    if (jobs.signal.aborted) return false; // Taken up again by the next runner (it stays integrating).
    await failTask(x, run, step, `the merge queue could not integrate it: ${errorText(job.outcome.error)}`);
    return false;
  }
  const outcome = job.outcome.value;
  switch (outcome.kind) {
    case 'merged':
      jobs.queueWait = undefined;
      await recordMerged(x, jobs, run, step, outcome.merge);
      return true;
    case 'red': {
      const f = outcome.failed;
      await failTask(x, run, step, `its merge with ${x.config.base} (at ${outcome.baseTip.slice(0, 12)}) failed ${f.label}: ${f.message} It was not merged; the next attempt starts from ${x.config.base} as it is now.`, {
        failedCheck: checkNote(f, 'integration'),
      });
      return false;
    }
    case 'conflict':
      await conflicted(x, run, step, outcome.baseTip, outcome.paths, outcome.sides);
      return false;
    case 'approval-void':
      x.store.transitionTask(EXECUTION, step.id, run.run_id, 'awaiting_approval', outcome.reason);
      x.emit({ type: 'task-awaiting-approval', task: step.id, runId: run.run_id, commit: run.commit_sha ?? '' });
      return false;
    case 'waiting':
      x.store.transitionTask(EXECUTION, step.id, run.run_id, 'queued', outcome.reason);
      {
        // Said once, when the wait starts; tried again later and later (the checkout may stay as it is all night).
        const previous = jobs.queueWait;
        const delay = Math.min(QUEUE_WAIT_MAX_MS, previous === undefined ? QUEUE_WAIT_MS : previous.delay * 2);
        if (previous === undefined) x.emit({ type: 'task-waiting', task: step.id, reason: outcome.reason });
        jobs.queueWait = { until: Date.now() + delay, delay };
      }
      return false;
  }
}

async function recordMerged(x: Execution, jobs: ExecJobs, run: RunRow, step: TaskStep, merge: string): Promise<void> {
  x.store.write(() => {
    x.store.updateRun(run.run_id, { step: 'merged', merge_sha: merge });
    x.store.transitionTask(EXECUTION, step.id, run.run_id, 'merged', `attempt ${run.attempt} merged into ${x.config.base} as ${merge}`, { commit_sha: run.commit_sha, merge_sha: merge });
  });
  crashPoint('finalize:recorded');
  x.emit({ type: 'task-merged', task: step.id, runId: run.run_id, merge, base: x.config.base });
  // Recorded first: only then do its checkout and branch go (the merge has its commit).
  await tidyMerged(x, jobs, run);
}

/** The checkouts and branches of merged tasks that a runner killed right after recording the merge left. */
export async function tidyMergedTasks(x: Execution, jobs: ExecJobs): Promise<void> {
  for (const row of x.store.tasks(EXECUTION)) {
    const run = row.state === 'merged' ? lastRun(x, row.step_id) : undefined;
    if (run?.step === 'merged') await tidyMerged(x, jobs, run);
  }
}

async function tidyMerged(x: Execution, jobs: ExecJobs, run: RunRow): Promise<void> {
  // Out of the way at once, its files deleted beside the loop (the run waits for that before it ends).
  if (existsSync(run.worktree)) {
    const discarded = await discardWorktree(x.repo.root, run.worktree, x.repo.commonDir, trashRoot(x)).catch(() => undefined);
    if (discarded !== undefined) jobs.background(discarded.deleted);
  }
  const ref = `refs/heads/${run.branch}`;
  const tip = await resolveCommit(x.repo.root, ref);
  // Only the commit the runner made and merged: a branch moved since is someone's work.
  if (tip === undefined || tip !== run.commit_sha) return;
  await deleteBranch(x.repo.root, run.branch).catch(() => undefined);
  absorbRunnerRefMoves(x, [{ ref, from: tip, to: undefined }]);
}

async function conflicted(x: Execution, run: RunRow, step: TaskStep, baseTip: string, paths: readonly string[], sides: readonly ConflictSide[]): Promise<void> {
  const row = x.store.task(EXECUTION, step.id);
  const left = row !== undefined && spent(row) < step.maxAttempts;
  const commit = run.commit_sha ?? '';
  const list = paths.join(', ');
  if (left) {
    // Back to its agent, with both sides: a resolution attempt, within its budget.
    await failTask(x, run, step, `merging it into ${x.config.base} (at ${baseTip.slice(0, 12)}) conflicts at ${list}; a resolution attempt follows from ${x.config.base} as it is now.`, {
      conflict: { previousCommit: commit, baseTip, sides },
    });
    return;
  }
  const kept = await keepTaskCommit(x, run, commit, 'conflicted');
  const reason = `merging it into ${x.config.base} conflicts at ${list}, and its ${step.maxAttempts} attempts are used; its commit is kept as ${kept}. Resolve it by hand, or \`phaserunner retry ${step.id}\`.`;
  x.store.write(() => {
    x.store.updateRun(run.run_id, { step: 'conflict', failure: reason });
    x.store.transitionTask(EXECUTION, step.id, run.run_id, 'conflict', reason);
  });
  x.emit({ type: 'task-conflict', task: step.id, runId: run.run_id, paths, kept });
}

function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
