// What an attempt lands as, and the gate's view of it. The runner stages the attempt's
// changed outputs once, onto the base the attempt started from, in an index of its own; the
// beforeAdvance gate judges that tree, and the commit step commits that same tree. Staged
// byte for byte (no filter, no conversion: src/git/commit.ts), and never a second time: the
// tree goes from the verdict to the commit. A runner that dies in between has no commit
// recorded: the next pass judges the attempt again, stages again and judges what that gives.
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { TreeFiles } from '../audit/tree-files.js';
import { TreeStore } from '../audit/tree-store.js';
import type { FileSource } from '../gates/files.js';
import { stageOnto } from '../git/commit.js';
import { ObjectReader } from '../git/objects.js';
import type { RunRow } from '../store/store.js';

/** The changed output paths of an attempt and the tree they were staged into. */
export interface StagedTree {
  readonly paths: readonly string[];
  readonly tree: string;
}

/**
 * Stages `paths` from the attempt's checkout onto its base; returns the tree. The agent's own
 * index is left alone: a failed attempt's snapshot and a judgement after a crash see the
 * checkout exactly as the agent left it.
 */
export async function stageAttempt(run: RunRow, paths: readonly string[]): Promise<StagedTree> {
  const index = join(run.run_dir, 'staged.index');
  // The runner holds the runner lock: a lock file here is a killed git's, and stale.
  rmSync(`${index}.lock`, { force: true });
  try {
    return { paths, tree: await stageOnto(run.worktree, run.base_sha, paths, index) };
  } finally {
    rmSync(index, { force: true });
  }
}

export interface TreeReading {
  readonly files: FileSource;
  close(): Promise<void>;
}

/**
 * A tree's files as a gate reads them, through the audit's own reader (TreeFiles over one
 * `git cat-file --batch`), so that the runner and the audit judge a tree the same way:
 * regular files only (a symlink is its target's name, a submodule a commit id: neither is a
 * file git stores), text decoded as UTF-8 as from a checkout.
 */
export function readTree(root: string, tree: string): TreeReading {
  const reader = new ObjectReader(root);
  const files = new TreeFiles(new TreeStore(reader));
  return { files: treeSource(files, tree), close: () => reader.close() };
}

/** Files read together when a check goes through the files it listed: one round through cat-file, not one each. */
const AHEAD = 64;

function treeSource(files: TreeFiles, tree: string): FileSource {
  const sync = files.source(tree);
  let listed: readonly string[] = [];
  let position = new Map<string, number>();
  // Texts read ahead and not asked for yet (at most AHEAD - 1).
  const ahead = new Map<string, string | undefined>();
  return {
    list: async (pattern) => {
      const [paths = []] = await files.store.settle([() => sync.list(pattern)]);
      listed = paths;
      position = new Map(paths.map((p, i) => [p, i]));
      ahead.clear();
      return paths;
    },
    read: async (path) => {
      if (ahead.has(path)) {
        const text = ahead.get(path);
        ahead.delete(path);
        return text;
      }
      // A check reads the files it listed in order: read the next ones in the same round.
      const at = position.get(path);
      const batch = at === undefined ? [path] : listed.slice(at, at + AHEAD);
      const texts = await files.store.settle(batch.map((p) => () => sync.read(p)));
      ahead.clear();
      for (const [i, p] of batch.entries()) if (i > 0) ahead.set(p, texts[i]);
      return texts[0];
    },
  };
}
