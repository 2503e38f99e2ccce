// Runs a step's success actions in order: commit, mergeToBase, advancePhase. Each is
// skipped when the run already got past it, so a pass that stopped half-way (the merge was
// waiting for the user's checkout) resumes where it left off.
import { updateRefCas } from '../git/commit.js';
import { removeWorktree } from '../git/worktree.js';
import { attemptSnapshotRef } from './naming.js';
import { unreachable } from '../failures.js';
import type { RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { commitPhase } from './commit-phase.js';
import { mergePhase } from './merge-phase.js';

export type FinalizeOutcome =
  | { readonly kind: 'done' }
  | { readonly kind: 'conflict'; readonly paths: readonly string[] }
  | { readonly kind: 'waiting'; readonly reason: string };

export async function finalizeRun(r: Runner, run: RunRow, step: WorkstreamStep, paths: readonly string[]): Promise<FinalizeOutcome> {
  const ws = r.workstream.name;
  let commit = run.commit_sha;
  let merge = run.merge_sha;
  for (const action of step.successActions) {
    switch (action) {
      case 'commit':
        if (commit === null) commit = await commitPhase(r, run, step, paths);
        break;
      case 'mergeToBase': {
        if (merge !== null) break;
        if (commit === null) throw new Error(`phase ${step.phase}: mergeToBase before commit`);
        const outcome = await mergePhase(r, run, step, commit);
        if (outcome.kind === 'conflict') {
          // A retry resets the phase branch: keep the conflicted commit on a ref of its own.
          await updateRefCas(r.repo.root, attemptSnapshotRef(run.run_id), commit, undefined, `phaserunner: conflicted attempt ${run.attempt} of phase ${step.phase}`);
          const reason = `merging ${run.branch} into ${r.config.base} conflicts on ${outcome.paths.join(', ')}; the commit is kept as ${attemptSnapshotRef(run.run_id)}.`;
          r.store.write(() => {
            r.store.updateRun(run.run_id, { step: 'conflict', failure: reason });
            r.store.transition(ws, step.phase, run.run_id, 'conflict', reason, { commit_sha: commit });
          });
          r.emit({ type: 'conflict', phase: step.phase, name: step.name, runId: run.run_id, branch: run.branch, paths: outcome.paths });
          return outcome;
        }
        if (outcome.kind === 'waiting') {
          if (r.store.phase(ws, step.phase)?.state !== 'blocked') {
            r.store.transition(ws, step.phase, run.run_id, 'blocked', outcome.reason, { commit_sha: commit });
          }
          r.emit({ type: 'blocked', phase: step.phase, name: step.name, reason: outcome.reason });
          return outcome;
        }
        merge = outcome.merge;
        r.store.updateRun(run.run_id, { step: 'merged', merge_sha: merge });
        r.emit({ type: 'merged', phase: step.phase, runId: run.run_id, merge, base: r.config.base });
        // The work is in git now; the agent's checkout has served its purpose.
        await removeWorktree(r.repo.root, run.worktree);
        break;
      }
      case 'advancePhase': {
        const ids = r.workstream.phaseIds;
        r.store.setCurrent(ws, ids[ids.indexOf(step.phase) + 1] ?? null);
        break;
      }
      default:
        unreachable(action);
    }
  }
  const how = merge === null ? `committed as ${commit ?? '?'}` : `committed as ${commit ?? '?'} and merged into ${r.config.base} as ${merge}`;
  r.store.transition(ws, step.phase, run.run_id, 'done', `attempt ${run.attempt} ${how}`, { commit_sha: commit, merge_sha: merge });
  r.emit({ type: 'phase-done', phase: step.phase, name: step.name, runId: run.run_id });
  return { kind: 'done' };
}
