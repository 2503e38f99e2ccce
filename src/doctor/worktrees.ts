// Phase worktrees git still lists although their directory is gone (deleted by hand, a
// cleaned temp or state directory). Each keeps its phase branch "checked out" for git. The
// runner prunes them itself before it adds a checkout, so this is a warning, not a failure.
import { existsSync } from 'node:fs';
import { sep } from 'node:path';
import type { WorktreeEntry } from '../git/worktree.js';
import { shellWord } from '../util/shell.js';
import { passed, problem, type DoctorCheck } from './types.js';

export function checkWorktrees(root: string, worktrees: readonly WorktreeEntry[], dir: string): DoctorCheck {
  const ours = worktrees.filter((w) => w.path.startsWith(dir + sep));
  const stale = ours.filter((w) => !existsSync(w.path)).map((w) => w.path);
  if (stale.length === 0) return passed('worktrees', `${ours.length === 0 ? 'no phase worktrees' : `${ours.length} phase worktree${ours.length > 1 ? 's' : ''}, each present`} (${dir})`, { dir, stale });
  return problem(
    'worktrees',
    'warn',
    `git still lists ${stale.length} phase worktree${stale.length > 1 ? 's' : ''} whose directory is gone: ${stale.join(', ')}`,
    `Run \`git -C ${shellWord(root)} worktree prune\` (it forgets only worktrees whose directory is gone).`,
    { dir, stale },
  );
}
