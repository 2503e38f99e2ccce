// The agent's worktree shares the repository's refs: from inside it, `git update-ref
// refs/heads/main`, `git tag`, `git stash` or `git branch -f` would move the user's refs. The
// guard stops that at the source: every git the agent runs gets a `reference-transaction`
// hook (through the environment, so the repository's config is untouched) that refuses, before
// anything moves, a ref update in the user's repository outside the agent's own checkout, and
// writes down what was refused. The runner fails such an attempt; nothing needs restoring,
// because nothing moved.
//
// What is allowed:
// - any repository other than the user's (the agent may clone, or its tests may commit in a
//   scratch repository): the hook sees the environment, not only the one repository;
// - in the agent's own checkout: its branch (its commits are judged by the verdict, as before),
//   refs private to that worktree (HEAD, ORIG_HEAD and other pseudo-refs, refs/worktree/,
//   refs/bisect/, refs/rewritten/);
// - anywhere in the repository: remote-tracking refs (`git fetch`).
// Everything else is refused, per-worktree names in another checkout (the user's HEAD) and
// `main-worktree/` and `worktrees/` included. Packing the user's refs (`git gc`, `git
// pack-refs`) deletes loose refs, which the hook cannot tell from a deletion: it is refused,
// and git's automatic gc and maintenance are off for the agent so its ordinary commands never
// trigger it.
//
// The agent runs as the user: one that turns the guard off on purpose (`git -c
// core.hooksPath=...`) or writes under .git by hand is not stopped by it (docs/crash-safety.md).
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendGitConfig } from '../git/exec.js';
import { writeFileAtomic } from '../util/fs.js';
import { shellWord } from '../util/shell.js';

const HOOKS_DIR = 'git-hooks';
const REFUSED_LOG = 'refs-refused.log';
/** Enough to name what the agent tried; the hook stops writing there, and the runner reading. */
const MAX_LOG = 64 * 1024;

export interface GuardedCheckout {
  /** The repository's common git dir (real path). */
  readonly commonDir: string;
  /** The agent's worktree's own git dir (real path). */
  readonly gitDir: string;
  /** The agent's branch, short (phaserunner/planning/1-...). */
  readonly branch: string;
}

/** What the agent's git reads (the hook's directory) and writes (the log of refusals) in the run directory. */
export function refGuardFiles(runDir: string): { readonly hooks: string; readonly log: string } {
  return { hooks: join(runDir, HOOKS_DIR), log: join(runDir, REFUSED_LOG) };
}

/** Writes the hook into the run directory; returns the environment that turns it on for the agent. */
export function installRefGuard(runDir: string, checkout: GuardedCheckout, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const hooks = join(runDir, HOOKS_DIR);
  mkdirSync(hooks, { recursive: true });
  const hook = join(hooks, 'reference-transaction');
  writeFileAtomic(hook, script(checkout));
  chmodSync(hook, 0o755);
  return appendGitConfig(env, [
    ['core.hooksPath', hooks],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
  ]);
}

/** The refs the agent tried to move and was refused, in the order it tried, each once. */
export function refusedRefMoves(runDir: string): string[] {
  const log = join(runDir, REFUSED_LOG);
  if (!existsSync(log)) return [];
  const text = readFileSync(log).subarray(0, MAX_LOG).toString('utf8');
  const lines = text.split('\n');
  // The last line is complete only when the text ends with its newline.
  lines.pop();
  const refs = lines.map((line) => line.split(' ').slice(2).join(' ')).filter((ref) => ref !== '');
  return [...new Set(refs)];
}

function script({ commonDir, gitDir, branch }: GuardedCheckout): string {
  return `#!/bin/sh
# phaserunner's ref guard for one attempt: see src/dispatch/ref-guard.ts.
# Decides once, when the transaction is prepared and before any ref moves.
[ "$1" = prepared ] || exit 0
guarded=${shellWord(commonDir)}
own_dir=${shellWord(gitDir)}
own=${shellWord(`refs/heads/${branch}`)}
real() { (cd "$1" 2>/dev/null && pwd -P); }
# Another repository (a clone, a scratch repository of the agent's tests): not ours to guard.
[ "$(real "$(git rev-parse --path-format=absolute --git-common-dir)")" = "$guarded" ] || exit 0
here=other
[ "$(real "$(git rev-parse --absolute-git-dir)")" = "$own_dir" ] && here=own
log="$(dirname "$0")/../${REFUSED_LOG}"
refused=0
while read -r old new ref; do
  case "$here:$ref" in
    own:"$own"|own:refs/worktree/*|own:refs/bisect/*|own:refs/rewritten/*|*:refs/remotes/*) continue ;;
    own:refs/*|own:main-worktree/*|own:worktrees/*) ;;
    own:*) continue ;; # HEAD and the other pseudo-refs of the agent's own checkout
  esac
  name=$ref
  case "$here:$ref" in other:refs/*) ;; other:*) name="$ref of $(git rev-parse --show-toplevel 2>/dev/null || git rev-parse --absolute-git-dir)" ;; esac
  if [ ! -f "$log" ] || [ "$(wc -c < "$log")" -lt ${MAX_LOG} ]; then
    printf '%s %s %s\\n' "$old" "$new" "$name" >> "$log"
  fi
  echo "phaserunner: refused to move $name: an agent may only move its own branch, \${own#refs/heads/}" >&2
  refused=1
done
exit $refused
`;
}
