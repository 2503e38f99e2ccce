// Runs a step's success actions in order: commit, mergeToBase, advancePhase. Each is
// skipped when the run already got past it, so a pass that stopped half-way (the merge was
// waiting for the user's checkout) resumes where it left off. The merge, the advance and the
// phase's `done` are recorded in one transaction: a crash cannot leave a merged run behind a
// phase that still says `running`.
import { updateRefCas } from '../git/commit.js';
import { removeWorktree } from '../git/worktree.js';
import { unreachable } from '../failures.js';
import type { RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { commitPhase } from './commit-phase.js';
import { checkApproval } from './approval.js';
import { mergePhase, type ConflictReason } from './merge-phase.js';
import type { ApprovalTrailers } from '../git/trailers.js';
import { attemptSnapshotRef } from './naming.js';
import { crashPoint } from './crash-points.js';
import type { StagedTree } from './staged-tree.js';
import { phaseStep } from '../workstream/step-id.js';

export type FinalizeOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'conflict'; readonly paths: readonly string[] }
  | { readonly kind: 'waiting'; readonly reason: string }
  | { readonly kind: 'awaiting-approval'; readonly reason: string };

/**
 * `staged` is the tree the verdict judged, for a run not committed yet; a run resumed after
 * its commit (committed, awaiting approval, blocked) has none and needs none.
 */
export async function finalizeRun(r: Runner, run: RunRow, step: WorkstreamStep, staged: StagedTree | undefined): Promise<FinalizeOutcome> {
  const ws = r.workstream.name;
  // commit_sha is recorded as an intent before the branch moves: only the step says it happened.
  let commit = run.step === 'dispatched' ? null : run.commit_sha;
  let merge = run.merge_sha;
  let mergedNow = false;
  let next: number | null | undefined;
  for (const action of step.successActions) {
    switch (action) {
      case 'commit':
        if (commit !== null) break;
        // Only the verdict stages: committing anything else would land what no gate judged.
        if (staged === undefined) throw new Error(`phase ${step.phase}: commit without a judged tree`);
        commit = await commitPhase(r, run, step, staged);
        break;
      case 'mergeToBase': {
        if (merge !== null) break;
        if (commit === null) throw new Error(`phase ${step.phase}: mergeToBase before commit`);
        let approval: ApprovalTrailers | undefined;
        if (step.approval) {
          const check = await checkApproval(r, run, step, commit);
          if (check.kind === 'waiting') return awaitApproval(r, run, step, commit, check.reason);
          approval = check.approval;
        }
        const outcome = await mergePhase(r, run, step, commit, approval);
        if (outcome.kind === 'conflict') return conflict(r, run, step, commit, outcome.reason);
        if (outcome.kind === 'waiting') {
          if (r.store.phase(ws, phaseStep(step.phase))?.state !== 'blocked') {
            r.store.transition(ws, phaseStep(step.phase), run.run_id, 'blocked', outcome.reason, { commit_sha: commit });
          }
          r.emit({ type: 'blocked', phase: step.phase, name: step.name, reason: outcome.reason });
          return outcome;
        }
        merge = outcome.merge;
        mergedNow = true;
        crashPoint('merge:published');
        break;
      }
      case 'advancePhase': {
        // Today's phases: a run governed by older definitions may be of a phase since removed.
        const ids = r.workstream.phaseIds;
        const index = ids.indexOf(step.phase);
        if (index >= 0) next = ids[index + 1] ?? null;
        break;
      }
      default:
        unreachable(action);
    }
  }
  const how = merge === null ? `committed as ${commit ?? '?'}` : `committed as ${commit ?? '?'} and merged into ${r.config.base} as ${merge}`;
  r.store.write(() => {
    if (mergedNow) r.store.updateRun(run.run_id, { step: 'merged', merge_sha: merge });
    if (next !== undefined) r.store.setCurrent(ws, next === null ? null : phaseStep(next));
    r.store.transition(ws, phaseStep(step.phase), run.run_id, 'done', `attempt ${run.attempt} ${how}`, { commit_sha: commit, merge_sha: merge });
  });
  crashPoint('finalize:recorded');
  if (mergedNow && merge !== null) r.emit({ type: 'merged', phase: step.phase, runId: run.run_id, merge, base: r.config.base });
  r.emit({ type: 'phase-done', phase: step.phase, name: step.name, runId: run.run_id });
  // The work is in git now; the agent's checkout has served its purpose. Failing to remove
  // it loses nothing, so it must not fail the phase.
  await removeWorktree(r.repo.root, run.worktree, r.repo.commonDir).catch(() => undefined);
  crashPoint('finalize:worktree-removed');
  return { kind: 'done' };
}

function awaitApproval(r: Runner, run: RunRow, step: WorkstreamStep, commit: string, reason: string): FinalizeOutcome {
  const ws = r.workstream.name;
  const row = r.store.phase(ws, phaseStep(step.phase));
  // One transition into the state; a later pass only records a changed reason (an approval
  // voided by a moved branch), so the history is not filled with repeats.
  if (row?.state !== 'awaiting_approval') r.store.transition(ws, phaseStep(step.phase), run.run_id, 'awaiting_approval', reason, { commit_sha: commit });
  else if (row.reason !== reason) r.store.noteReason(ws, phaseStep(step.phase), reason);
  crashPoint('approval:awaiting-recorded');
  r.emit({ type: 'awaiting-approval', phase: step.phase, name: step.name, runId: run.run_id, commit, branch: run.branch, reason });
  return { kind: 'awaiting-approval', reason };
}

async function conflict(r: Runner, run: RunRow, step: WorkstreamStep, commit: string, why: ConflictReason): Promise<FinalizeOutcome> {
  // A retry resets the phase branch: keep the conflicted commit on a ref of its own.
  const ref = attemptSnapshotRef(run.run_id);
  // Create-only: a pass that died after this finds the ref already there, and that is fine.
  await updateRefCas(r.repo.root, ref, commit, undefined, `phaserunner: conflicted attempt ${run.attempt} of phase ${step.phase}`);
  crashPoint('conflict:snapshot-kept');
  const paths = why.paths;
  const reason =
    why.kind === 'conflict'
      ? `merging ${run.branch} into ${r.config.base} conflicts on ${paths.join(', ')}; the commit is kept as ${ref}.`
      : `${r.config.base} changed this phase's outputs (${paths.join(', ')}) after they were approved, so what would be merged is not what was approved; the commit is kept as ${ref}.`;
  r.store.write(() => {
    r.store.updateRun(run.run_id, { step: 'conflict', failure: reason });
    r.store.transition(r.workstream.name, phaseStep(step.phase), run.run_id, 'conflict', reason, { commit_sha: commit });
  });
  crashPoint('conflict:recorded');
  r.emit({ type: 'conflict', phase: step.phase, name: step.name, runId: run.run_id, branch: run.branch, paths });
  return { kind: 'conflict', paths };
}
