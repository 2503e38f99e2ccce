// The store against git: every merged phase has a run with the same commit ids, every
// approval in git is one the store recorded, and everything the store calls merged is in
// the history.
import { isAncestor } from '../git/repo.js';
import type { Store } from '../store/store.js';
import type { AuditContext, MergeRecord } from './context.js';
import { short } from './format.js';
import { phaseOf } from '../workstream/step-id.js';

/**
 * `baseTip`: the base branch's tip. The store's merges are merges into the base, so that is
 * where they must be, also when an earlier commit (or another branch) is audited.
 */
export async function crossCheckStore(ctx: AuditContext, store: Store, records: readonly MergeRecord[], baseTip: string): Promise<void> {
  const ws = ctx.workstream.name;
  const runs = new Map(store.runs(ws).map((r) => [r.run_id, r]));
  const approvals = store.approvals(ws);
  const merges = new Set(records.map((r) => r.merge.sha));
  for (const { merge, claims, phaseCommit, step } of records) {
    const runId = claims.values.get('Run-Id');
    if (step === undefined || runId === undefined) continue;
    const run = runs.get(runId);
    if (run === undefined) {
      ctx.add('store-run-missing', step.phase, merge.sha, `merge ${short(merge.sha)} is run ${runId} of phase ${step.phase}, which the store has no record of.`);
      continue;
    }
    const commit = phaseCommit?.sha ?? null;
    if (run.merge_sha !== merge.sha || (commit !== null && run.commit_sha !== commit)) {
      ctx.add(
        'store-commit-mismatch',
        step.phase,
        merge.sha,
        `the store records run ${runId} as commit ${short(run.commit_sha ?? '-')} and merge ${short(run.merge_sha ?? '-')}, but git has commit ${short(commit ?? '-')} and merge ${short(merge.sha)}.`,
      );
    }
    const by = claims.values.get('Approved-By');
    if (by !== undefined) {
      const digest = claims.values.get('Approved-Digest');
      const recorded = approvals.some((a) => a.run_id === runId && a.decision === 'approved' && a.by === by && a.digest === digest);
      if (!recorded) {
        ctx.add('approval-not-in-store', step.phase, merge.sha, `merge ${short(merge.sha)} says ${JSON.stringify(by)} approved ${digest ?? '?'}, but the store recorded no such approval of run ${runId}.`);
      }
    }
  }
  const claimed = new Map<string, number>();
  for (const p of store.phases(ws)) if (p.state === 'done' && p.merge_sha !== null) claimed.set(p.merge_sha, phaseOf(p));
  for (const r of runs.values()) if (r.step === 'merged' && r.merge_sha !== null) claimed.set(r.merge_sha, phaseOf(r));
  for (const [sha, phase] of claimed) {
    // A merge the user made by hand is in the history without trailers (hand-merged says so).
    if (merges.has(sha) || (/^[0-9a-f]{40,64}$/.test(sha) && (await isAncestor(ctx.root, sha, baseTip).catch(() => false)))) continue;
    // A shallow clone may have it beyond its cut, where git cannot tell.
    if (ctx.shallow !== undefined) {
      ctx.uncheck(phase, sha, `the store says phase ${phase} was merged as ${short(sha)}, which is not in the history this clone has: whether it is in the branch's history was not checked.`);
      continue;
    }
    ctx.add('store-merge-not-in-history', phase, sha, `the store says phase ${phase} was merged as ${short(sha)}, but that commit is not in the history of the base branch (was the branch rewritten?).`);
  }
}
