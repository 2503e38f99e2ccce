// Committing with plumbing: stage exactly the given paths in an index of the runner's own,
// write the tree, create the commit, and move the branch with compare-and-swap. Plumbing runs
// no hooks and never touches a checkout's own index.
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../failures.js';
import { git, gitOut, repositoryConfig, splitNul } from './exec.js';

export interface Identity {
  readonly name: string;
  readonly email: string;
}

/** Environment that makes a commit's author and committer the given identity. */
export function identityEnv(identity: Identity): Record<string, string> {
  return {
    GIT_AUTHOR_NAME: identity.name,
    GIT_AUTHOR_EMAIL: identity.email,
    GIT_COMMITTER_NAME: identity.name,
    GIT_COMMITTER_EMAIL: identity.email,
  };
}

export interface CommitOptions {
  /**
   * Sign it (`-S`: the key and program from the user's git config, gpg.format, user.signingkey
   * and gpg.program). A failure is `signing-failed`, and no commit is made.
   */
  readonly sign?: boolean;
  /** Extra environment (the signing check writes its commit into a throwaway object directory). */
  readonly env?: Readonly<Record<string, string>>;
}

/** Creates a commit object; does not move any ref. */
export async function commitTree(
  dir: string,
  tree: string,
  parents: readonly string[],
  message: string,
  identity: Identity,
  { sign = false, env = {} }: CommitOptions = {},
): Promise<string> {
  const args = ['commit-tree', ...(sign ? ['-S'] : []), tree, ...parents.flatMap((p) => ['-p', p]), '-F', '-'];
  const result = await git(args, { cwd: dir, input: message, env: { ...identityEnv(identity), ...env }, okCodes: sign ? [1, 128] : [] });
  // Signed, commit-tree fails for the signature (a missing key, gpg or ssh-keygen failing): the
  // tree and parents are the runner's own and exist.
  if (result.exitCode !== 0) fail({ reason: 'signing-failed', stderr: result.stderr.trim() });
  return result.stdout.trim();
}

/**
 * Moves `ref` from `expected` to `next` only if it still points at `expected` (or, when
 * `expected` is undefined, only if it does not exist yet). Returns false when it moved meanwhile.
 */
export async function updateRefCas(
  dir: string,
  ref: string,
  next: string,
  expected: string | undefined,
  reason: string,
): Promise<boolean> {
  const old = expected ?? '0'.repeat(40);
  const result = await git(['update-ref', '-m', reason, ref, next, old], { cwd: dir, okCodes: [1, 128] });
  return result.exitCode === 0;
}

/**
 * The tree of `base` with exactly `paths` (additions, changes, deletions) taken from the
 * worktree byte for byte, staged in the private index `indexFile` (the worktree's own index
 * is not touched): `hash-object --no-filters` stores each file as it is, with no clean filter,
 * end-of-line conversion or other attribute in between, so what lands is what was written,
 * and no program the repository names runs. A path that is gone (or is a directory now, the
 * file it was replaced by one) is removed. Only regular files are stored: the runner refuses
 * anything else before it stages (src/runner/verdict.ts), and this refuses it again.
 */
export async function stageOnto(worktree: string, base: string, paths: readonly string[], indexFile: string): Promise<string> {
  const env = { GIT_INDEX_FILE: indexFile };
  await git(['read-tree', base], { cwd: worktree, env });
  if (paths.length > 0) {
    const files: { path: string; executable: boolean }[] = [];
    const removed: string[] = [];
    for (const path of paths) {
      const entry = regularFileAt(worktree, path);
      if (entry === 'absent') removed.push(path);
      else files.push({ path, executable: entry.executable });
    }
    const oids = files.length === 0 ? [] : await hashFiles(worktree, files.map((f) => f.path));
    const modes = await modesOf(worktree, files, indexFile);
    const zero = '0'.repeat(base.length);
    // Removals first: a file that replaced a directory (or the other way round) then finds its place free.
    const lines = [...removed.map((path) => `0 ${zero}\t${path}`), ...files.map((f, i) => `${modes[i] ?? '100644'} ${oids[i] ?? ''}\t${f.path}`)];
    await git(['update-index', '-z', '--index-info'], { cwd: worktree, input: lines.join('\0') + '\0', env });
  }
  return gitOut(['write-tree'], { cwd: worktree, env });
}

/** What is at `path` in the worktree: a regular file, or nothing (gone, or a directory now). */
function regularFileAt(worktree: string, path: string): { executable: boolean } | 'absent' {
  // Read through no symbolic link, not even one of the directories on the way.
  const parts = path.split('/');
  for (let i = 1; i < parts.length; i++) {
    const dir = lstatOf(join(worktree, ...parts.slice(0, i)));
    if (dir === undefined || (!dir.isDirectory() && !dir.isSymbolicLink())) return 'absent';
    if (dir.isSymbolicLink()) throw new Error(`cannot stage ${JSON.stringify(path)}: ${JSON.stringify(parts.slice(0, i).join('/'))} is a symbolic link`);
  }
  const stat = lstatOf(join(worktree, path));
  if (stat === undefined || stat.isDirectory()) return 'absent';
  if (!stat.isFile()) throw new Error(`cannot stage ${JSON.stringify(path)}: it is not a regular file`);
  return { executable: (stat.mode & 0o100) !== 0 };
}

function lstatOf(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}

/** Stores the files as blobs, exactly as they are; returns their ids, in order. */
async function hashFiles(worktree: string, paths: readonly string[]): Promise<string[]> {
  // One path a line; a path with a newline (or starting with a quote) C-quoted, as git reads it.
  const input = paths.map(cQuoted).join('\n') + '\n';
  const { stdout } = await git(['hash-object', '-w', '--no-filters', '--stdin-paths'], { cwd: worktree, input });
  const oids = stdout.trim().split('\n');
  if (oids.length !== paths.length) throw new Error(`git hash-object gave ${oids.length} ids for ${paths.length} files`);
  return oids;
}

/**
 * Each file's mode, as `git add` gives it: executable or not from the checkout, unless
 * core.fileMode is false (a file system without the bit), where a path keeps its mode in the
 * base and a new one is not executable.
 */
async function modesOf(worktree: string, files: readonly { path: string; executable: boolean }[], indexFile: string): Promise<string[]> {
  if ((await repositoryConfig(worktree)).fileMode) return files.map((f) => (f.executable ? '100755' : '100644'));
  const known = new Map<string, string>();
  if (files.length > 0) {
    const { stdout } = await git(['ls-files', '-s', '-z', '--', ...files.map((f) => f.path)], { cwd: worktree, env: { GIT_INDEX_FILE: indexFile, GIT_LITERAL_PATHSPECS: '1' } });
    // "<mode> <oid> <stage>\t<path>"
    for (const record of splitNul(stdout)) {
      const tab = record.indexOf('\t');
      known.set(record.slice(tab + 1), record.slice(0, 6));
    }
  }
  return files.map((f) => (known.get(f.path) === '100755' ? '100755' : '100644'));
}

/** A path as one line git unquotes (C style), quoted only when it has to be. */
function cQuoted(path: string): string {
  const control = (c: string): boolean => c < ' ' || c === '\x7f';
  const chars = Array.from(path);
  if (!path.startsWith('"') && !chars.some(control)) return path;
  let quoted = '"';
  for (const c of chars) {
    if (c === '\\' || c === '"') quoted += `\\${c}`;
    else if (control(c)) quoted += `\\${c.charCodeAt(0).toString(8).padStart(3, '0')}`;
    else quoted += c;
  }
  return `${quoted}"`;
}

/** Stages exactly `paths` (additions, changes, deletions) in the index `indexFile`; returns the tree. */
async function stagePaths(worktree: string, paths: readonly string[], indexFile: string): Promise<string> {
  const env: Record<string, string> = { GIT_LITERAL_PATHSPECS: '1', GIT_INDEX_FILE: indexFile };
  if (paths.length > 0) {
    await git(['add', '--all', '--force', '--pathspec-from-file=-', '--pathspec-file-nul'], {
      cwd: worktree,
      input: paths.join('\0') + '\0',
      env,
    });
  }
  return gitOut(['write-tree'], { cwd: worktree, env });
}

/**
 * Records everything in a worktree (tracked or not) as a commit on `ref`, using a private
 * index so the worktree's own index is untouched. Used to keep a failed attempt's files.
 */
export async function snapshotWorktree(
  worktree: string,
  parent: string,
  ref: string,
  message: string,
  indexFile: string,
  identity: Identity,
  ignoredToKeep: readonly string[],
): Promise<string> {
  const env = { GIT_INDEX_FILE: indexFile };
  await git(['read-tree', parent], { cwd: worktree, env });
  await git(['add', '--all', '--', '.'], { cwd: worktree, env });
  // `add --all` skips ignored files; ignored outputs are still the agent's work.
  const tree = await stagePaths(worktree, ignoredToKeep, indexFile);
  const commit = await commitTree(worktree, tree, [parent], message, identity);
  await git(['update-ref', '-m', message, ref, commit], { cwd: worktree });
  return commit;
}
