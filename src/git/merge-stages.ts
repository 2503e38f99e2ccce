// What a conflicted in-memory merge left at each conflicting path: the index stages
// `merge-tree --write-tree` reports (1: the merge base, 2: ours, 3: theirs), so that a
// prompt can show an agent the sides it has to reconcile. A side a path lacks (added on one
// side only, deleted on the other) has no stage.
import { git, splitNul } from './exec.js';

export interface ConflictStage {
  readonly path: string;
  /** 1: the merge base, 2: `ours` (the first commit merged), 3: `theirs`. */
  readonly stage: 1 | 2 | 3;
  /** 100644, 100755, 120000 (a symbolic link), 160000 (a submodule's commit). */
  readonly mode: string;
  readonly oid: string;
}

/**
 * The stages of every conflicting path of the merge of `theirs` into `ours`, in git's order;
 * empty when the two merge cleanly. The same merge as `mergeTree` (src/git/merge.ts), asked
 * for its conflicted file info instead of names only.
 */
export async function conflictStages(dir: string, ours: string, theirs: string): Promise<ConflictStage[]> {
  const result = await git(['merge-tree', '--write-tree', '-z', '--no-messages', ours, theirs], { cwd: dir, okCodes: [1] });
  if (result.exitCode === 0) return [];
  // The tree first, then one "<mode> <oid> <stage>\t<path>" record per stage.
  const [, ...records] = splitNul(result.stdout);
  const stages: ConflictStage[] = [];
  for (const record of records) {
    const match = /^(\d{6}) ([0-9a-f]+) ([123])\t([^]*)$/.exec(record);
    if (match === null) throw new Error(`unexpected output from git merge-tree: ${JSON.stringify(record)}`);
    const [, mode = '', oid = '', stage, path = ''] = match;
    stages.push({ path, stage: Number(stage) as 1 | 2 | 3, mode, oid });
  }
  return stages;
}
