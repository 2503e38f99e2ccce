// Rewriting history the way a forger would, with git plumbing: change one commit's tree,
// parents or message, then replay the base's later first-parent commits on top unchanged.
import { execFileSync } from 'node:child_process';
import { testEnv } from './env.js';
import { git } from './git.js';

export interface RawCommit {
  sha: string;
  tree: string;
  parents: string[];
  message: string;
}

export function readCommit(repo: string, rev: string): RawCommit {
  const sha = git(repo, 'rev-parse', `${rev}^{commit}`);
  const [tree = '', parents = ''] = git(repo, 'log', '-1', '--format=%T%x01%P', sha).split('\x01');
  const message = execFileSync('git', ['log', '-1', '--format=%B', sha], { cwd: repo, env: testEnv(), encoding: 'utf8' }).replace(/\n+$/, '');
  return { sha, tree, parents: parents.split(' ').filter((p) => p !== ''), message };
}

export function commitTree(repo: string, c: Omit<RawCommit, 'sha'>): string {
  const args = ['commit-tree', c.tree, ...c.parents.flatMap((p) => ['-p', p]), '-F', '-'];
  return execFileSync('git', args, { cwd: repo, env: testEnv(), encoding: 'utf8', input: c.message }).trim();
}

/** The base's first-parent line, oldest first. */
export function firstParents(repo: string, ref = 'main'): string[] {
  return git(repo, 'rev-list', '--first-parent', '--reverse', ref).split('\n');
}

/** The phase merges on the base, oldest first. */
export function phaseMerges(repo: string): string[] {
  return git(repo, 'rev-list', '--first-parent', '--merges', '--reverse', 'main').split('\n');
}

/**
 * Returns the new tip. Replaces first-parent commit `target` of main by `change(target)` (or drops it when
 * change returns null) and replays every later first-parent commit onto the result.
 */
export function rewrite(repo: string, target: string, change: (c: RawCommit) => Omit<RawCommit, 'sha'> | null): string {
  const line = firstParents(repo);
  const at = line.indexOf(target);
  if (at < 0) throw new Error(`${target} is not on main's first-parent line`);
  const original = readCommit(repo, target);
  const replaced = change(original);
  let previous = replaced === null ? (original.parents[0] ?? '') : commitTree(repo, replaced);
  for (const sha of line.slice(at + 1)) {
    const c = readCommit(repo, sha);
    previous = commitTree(repo, { ...c, parents: [previous, ...c.parents.slice(1)] });
  }
  git(repo, 'update-ref', 'refs/heads/main', previous);
  return previous;
}

/** Appends a commit to main. */
export function append(repo: string, c: Omit<RawCommit, 'sha'>): string {
  const sha = commitTree(repo, c);
  git(repo, 'update-ref', 'refs/heads/main', sha);
  return sha;
}

/** Sets (or with null removes) a trailer's value, keeping its position. */
export function setTrailer(message: string, key: string, value: string | null): string {
  const lines = message.split('\n');
  const i = lines.findIndex((l) => l.startsWith(`${key}: `));
  if (i < 0) {
    if (value !== null) lines.push(`${key}: ${value}`);
  } else if (value === null) lines.splice(i, 1);
  else lines[i] = `${key}: ${value}`;
  return lines.join('\n');
}

/** A tree like `tree` with `path` set to `content` (or removed when null). */
export function treeWith(repo: string, tree: string, path: string, content: string | null): string {
  const index = `${repo}/.git/tamper-index-${Date.now()}-${Math.random().toString(36).slice(2)}`;
  const env = { ...testEnv(), GIT_INDEX_FILE: index };
  const run = (args: string[], input?: string): string =>
    execFileSync('git', args, { cwd: repo, env, encoding: 'utf8', ...(input === undefined ? {} : { input }) }).trim();
  run(['read-tree', tree]);
  if (content === null) run(['update-index', '--force-remove', '--', path]);
  else {
    const blob = run(['hash-object', '-w', '--stdin'], content);
    run(['update-index', '--add', '--cacheinfo', `100644,${blob},${path}`]);
  }
  return run(['write-tree']);
}
