// Which changes fail the attempt, and which are only reported. phaserunner cannot tell the
// user's own work from the agent's, so it fails what an ordinary user's day does not do while
// a phase runs, and reports the rest:
// - fails: anything in git's config, hooks and directory files, phaserunner's state, an
//   approval in the store, a skip-worktree or assume-unchanged flag (they hide changes), any
//   ref outside refs/heads/ (tags, notes, replace refs, phaserunner's own), and a branch moved
//   behind git's back (no entry for the move in its reflog: the report's attack wrote the ref
//   file by hand);
// - reports: a branch moved by git (the user committed on the base while the agent worked,
//   which the merge then handles) and files changed in the user's checkout (an editor's
//   work). Both are visible in the user's own `git log` and `git status`.
import { join } from 'node:path';
import { readTail } from '../util/fs.js';
import type { Change } from './types.js';
import { runnerRef } from './undo.js';

export type Weight = 'fails' | 'reported';

export async function weigh(change: Change, commonDir: string): Promise<Weight> {
  switch (change.kind) {
    case 'file':
    case 'approval':
      return 'fails';
    case 'checkout':
      return change.what === 'flag' ? 'fails' : 'reported';
    case 'ref':
      if (!(change.ref.startsWith('refs/heads/') || change.ref === 'refs/stash') || runnerRef(change.ref)) return 'fails';
      if (change.before === undefined || change.after === undefined || change.after.startsWith('ref: ')) return 'fails';
      return (await loggedMove(commonDir, change.ref, change.before, change.after)) ? 'reported' : 'fails';
  }
}

/** True when the ref's reflog records the move from `before` to `after` (git made it). */
async function loggedMove(commonDir: string, ref: string, before: string, after: string): Promise<boolean> {
  const log = await readTail(join(commonDir, 'logs', ...ref.split('/')));
  if (log === undefined) return false;
  // "<old> <new> <name> <email> <time> <tz>\t<message>", one move a line; the latest last.
  return log.split('\n').some((line) => line.startsWith(`${before} ${after} `));
}
