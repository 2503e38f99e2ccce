// Does the store agree with git? Every phase merge on the base must be a run the store records
// as merged, with the approval the merge carries. A store that was rebuilt by an older
// phaserunner (which restored no approvals), or edited by hand, does not, and the audit then
// reports it on every run; `doctor --repair` rebuilds it from git like a damaged one.
import type { Definitions } from '../definitions/open.js';
import { phaseHistory } from '../runner/rebuild.js';
import { withStoreReadOnly } from '../runner/store-open.js';
import { planningOf } from '../workstream/registry.js';

/** What the store lacks that git has, in one sentence; undefined when it agrees (or there is nothing to compare). */
export async function storeDisagreement(defs: Definitions): Promise<string | undefined> {
  const tip = defs.governing.commit;
  if (tip === null) return undefined;
  const workstream = planningOf(defs);
  const { merged } = await phaseHistory(defs.repo.root, tip, workstream);
  return withStoreReadOnly(defs.state.db, (store) => {
    if (store === undefined) return undefined;
    const runs = new Map(store.runs(workstream.name).map((r) => [r.run_id, r]));
    const approvals = store.approvals(workstream.name);
    const missing: string[] = [];
    for (const [phase, m] of merged) {
      const run = runs.get(m.runId);
      if (run?.merge_sha !== m.merge.sha) missing.push(`phase ${phase}'s merge ${m.merge.sha.slice(0, 12)} (run ${m.runId})`);
      else if (m.approval !== undefined && !approvals.some((a) => a.run_id === m.runId && a.decision === 'approved' && a.by === m.approval?.by && a.digest === m.approval.digest)) {
        missing.push(`the approval of phase ${phase} by ${m.approval.by}`);
      }
    }
    return missing.length === 0 ? undefined : `the store has no record of ${missing.join(', ')}, which ${defs.governing.base} has`;
  });
}
