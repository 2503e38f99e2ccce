// The agent's worktree shares the repository's refs: from inside it, `git update-ref
// refs/heads/main`, `git tag`, `git stash` or `git branch -f` would move the user's refs. The
// guard stops that at the source: every git the agent runs gets a `reference-transaction`
// hook (through the environment, so the repository's config is untouched) that refuses, before
// anything moves, any ref outside the agent's own checkout, and writes down what was refused.
// The runner fails such an attempt; nothing needs restoring, because nothing moved.
//
// Allowed: the agent's own branch (its commits are judged by the verdict, as before), and
// refs that belong to its worktree alone (HEAD, ORIG_HEAD and other pseudo-refs, refs/worktree/,
// refs/bisect/, refs/rewritten/). `main-worktree/` and `worktrees/` reach other checkouts.
//
// The agent runs as the user: one that turns the guard off on purpose (`git -c
// core.hooksPath=...`) or writes under .git by hand is not stopped by it (docs/crash-safety.md).
import { chmodSync, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { appendGitConfig } from '../git/exec.js';
import { writeFileAtomic } from '../util/fs.js';

const HOOKS_DIR = 'git-hooks';
const REFUSED_LOG = 'refs-refused.log';
/** Enough to name what the agent tried; a looping agent cannot grow the log without bound. */
const MAX_READ = 64 * 1024;

/** Writes the hook into the run directory; returns the environment that turns it on for the agent. */
export function installRefGuard(runDir: string, branch: string, env: Readonly<Record<string, string | undefined>>): Record<string, string> {
  const hooks = join(runDir, HOOKS_DIR);
  mkdirSync(hooks, { recursive: true });
  const hook = join(hooks, 'reference-transaction');
  writeFileAtomic(hook, script(branch));
  chmodSync(hook, 0o755);
  return appendGitConfig(env, [['core.hooksPath', hooks]]);
}

/** The refs the agent tried to move and was refused, in the order it tried, each once. */
export function refusedRefMoves(runDir: string): string[] {
  const log = join(runDir, REFUSED_LOG);
  if (!existsSync(log)) return [];
  const text = readFileSync(log).subarray(0, MAX_READ).toString('utf8');
  const refs = text
    .split('\n')
    .map((line) => line.split(' ').slice(2).join(' '))
    .filter((ref) => ref !== '');
  return [...new Set(refs)];
}

function script(branch: string): string {
  return `#!/bin/sh
# phaserunner's ref guard for one attempt: see src/dispatch/ref-guard.ts.
# Decides once, when the transaction is prepared and before any ref moves.
[ "$1" = prepared ] || exit 0
own=${shellQuote(`refs/heads/${branch}`)}
log="$(dirname "$0")/../${REFUSED_LOG}"
refused=0
while read -r old new ref; do
  case "$ref" in
    "$own"|refs/worktree/*|refs/bisect/*|refs/rewritten/*) ;;
    refs/*|main-worktree/*|worktrees/*)
      printf '%s %s %s\\n' "$old" "$new" "$ref" >> "$log"
      echo "phaserunner: refused to move $ref: an agent may only move its own branch, \${own#refs/heads/}" >&2
      refused=1 ;;
  esac
done
exit $refused
`;
}

function shellQuote(text: string): string {
  return `'${text.replace(/'/g, `'\\''`)}'`;
}
