// The merge queue: integration is the runner's alone and serialised (one candidate at a time,
// jobs.ts). A verified task's commit is merged in memory onto the base tip (a candidate); on a
// conflict the task goes back to its agent with both sides (a resolution attempt) or to a
// human; otherwise exactly the candidate commit is checked out on its own and the task's
// checks and the integration checks run there; green, the base moves to exactly that commit,
// by compare-and-swap; the base moved meanwhile: a new candidate on the new tip, tested again.
// So every commit the base gets from execution is a tree that was tested.
import { join } from 'node:path';
import { prepareCandidate } from '../integrate/candidate.js';
import type { ConflictSide } from '../integrate/conflict-sides.js';
import { publishCandidate } from '../integrate/publish.js';
import { testCandidate, type FailedCheck } from '../integrate/test-candidate.js';
import type { RunRow } from '../store/store.js';
import type { TaskStep } from '../workstream/execution.js';
import type { Execution } from './context.js';
import { integrationRoot } from './context.js';
import { taskSubject, taskTrailers, writesDigest } from './commit-task.js';
import type { Job } from './jobs.js';
import { taskChecks } from './verify-task.js';
import { approvalOf } from './decisions.js';
import { absorbRunnerRefMoves } from '../runner/runner-ref-moves.js';
import { crashPoint } from '../runner/crash-points.js';

export type QueueOutcome =
  | { readonly kind: 'merged'; readonly merge: string; readonly baseTip: string }
  | { readonly kind: 'conflict'; readonly baseTip: string; readonly paths: readonly string[]; readonly sides: readonly ConflictSide[] }
  | { readonly kind: 'red'; readonly baseTip: string; readonly failed: FailedCheck }
  | { readonly kind: 'waiting'; readonly reason: string }
  /** Its approval no longer counts (its branch was moved off the approved commit): a human again. */
  | { readonly kind: 'approval-void'; readonly reason: string };

/** Where the merge queue checks its candidates out, one after another. */
export function candidateCheckout(x: Pick<Execution, 'state'>): string {
  return join(integrationRoot(x), 'candidate');
}

/** Candidates built and found stale (the base moved under them) before the queue lets the task wait a pass. */
const MAX_TRIES = 5;

export interface IntegrateHooks {
  /** Called when a candidate's checks start (for events and the board). */
  readonly onCandidate: (candidate: string, baseTip: string, checks: number) => void;
}

export async function integrateTask(x: Execution, run: RunRow, step: TaskStep, job: Job<QueueOutcome>, signal: AbortSignal, hooks: IntegrateHooks): Promise<QueueOutcome> {
  const root = x.repo.root;
  const taskCommit = run.commit_sha;
  if (taskCommit === null) throw new Error(`task ${step.id}: queued without a commit`);
  // An approved task's merge names its approval; one that no longer counts merges nothing.
  const approval = step.approval ? await approvalOf(x, run) : undefined;
  if (step.approval && approval === undefined) {
    return { kind: 'approval-void', reason: `${run.branch} no longer holds the approved commit ${taskCommit.slice(0, 12)} (or no approval of it counts); a human must approve it again: \`phaserunner approve ${step.id}\`.` };
  }
  const checks = [...taskChecks(step), ...x.exec.integrationChecks.map((c, i) => ({ label: `integration check ${i + 1}`, argv: c.argv, timeout_seconds: c.timeout_seconds }))];
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const prepared = await prepareCandidate({
      repo: root,
      base: x.config.base,
      taskCommit,
      subject: taskSubject(step, true),
      body: [`Merges ${run.branch} (attempt ${run.attempt}), tested as this exact commit.`],
      trailers: async (tree) => taskTrailers(x, run, await writesDigest(x, tree, step)),
      ...(approval === undefined ? {} : { approval }),
      identity: x.config.identity,
      sign: x.signCommits,
    });
    if (prepared.kind === 'already-merged') return { kind: 'merged', merge: prepared.merge, baseTip: prepared.baseTip };
    if (prepared.kind === 'conflict') return { kind: 'conflict', baseTip: prepared.baseTip, paths: prepared.paths, sides: prepared.sides };
    hooks.onCandidate(prepared.commit, prepared.baseTip, checks.length);
    const tested = await testCandidate({
      repo: root,
      commit: prepared.commit,
      // One checkout, moved from candidate to candidate (run.ts removes it when the run ends).
      dir: candidateCheckout(x),
      keep: true,
      checks,
      signal,
      onProgress: (p) => {
        if (p.kind === 'check-started') job.line = `${p.label} (${p.index + 1}/${p.total}): ${(checks[p.index]?.argv ?? []).join(' ')}`;
      },
    });
    if (!tested.ok) return { kind: 'red', baseTip: prepared.baseTip, failed: tested.failed };
    const baseRef = `refs/heads/${x.config.base}`;
    const published = await x.exclusive(async () => {
      const done = await publishCandidate({ repo: root, base: x.config.base, candidate: prepared.commit, expectedTip: prepared.baseTip, reflog: `phaserunner: merge task ${step.id}` });
      if (done.kind === 'published') absorbRunnerRefMoves(x, [{ ref: baseRef, from: prepared.baseTip, to: prepared.commit }]);
      return done;
    });
    if (published.kind === 'published') {
      crashPoint('merge:published');
      return { kind: 'merged', merge: prepared.commit, baseTip: prepared.baseTip };
    }
    if (published.kind === 'waiting') return { kind: 'waiting', reason: published.reason };
    // base-moved: what was tested is not what the base would get; build and test again.
  }
  return { kind: 'waiting', reason: `${x.config.base} kept moving while task ${step.id} was tested (${MAX_TRIES} candidates went stale).` };
}
