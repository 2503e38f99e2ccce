// Which branch governs: the base branch named by the config, and the commit its definitions
// are read from. The base is always resolved as `refs/heads/<base>` (a tag of the same name
// must never stand in for it); a verb that only reads history may fall back to origin's branch
// of that name, as on a fresh clone or in a CI checkout with no local branches.
import { readFileSync } from 'node:fs';
import { git } from '../git/exec.js';
import type { RepoPaths } from '../git/repo.js';
import { CONFIG_PATH, configFile } from '../paths.js';

export interface Governing {
  /** The base branch's name. */
  readonly base: string;
  /** The ref it resolved to: `refs/heads/<base>`, or `refs/remotes/origin/<base>` when only that exists; null when neither does. */
  readonly ref: string | null;
  /** The commit the definitions are read from (the ref's tip); null when the base does not exist. */
  readonly commit: string | null;
}

/**
 * The base branch: as the checkout's config names it (read raw: the committed one is
 * validated), else as HEAD's committed config names it (a sparse checkout, a bare repository),
 * else a guess for a repository never set up (its current branch, origin's default, main,
 * master), so the read-only verbs still work there.
 */
export async function findGoverning(repo: RepoPaths, { remote }: { readonly remote: boolean }): Promise<Governing> {
  return governingAt(repo, await governingBase(repo), { remote });
}

/** The base branch's name, as findGoverning finds it. */
export async function governingBase(repo: RepoPaths): Promise<string> {
  return (repo.worktree ? baseIn(readWorktreeConfig(repo.root)) : undefined) ?? baseIn(await readCommittedConfig(repo.root, 'HEAD')) ?? (await guessBase(repo.root));
}

/** Where the definitions of base branch `base` are read: its local branch, else (with `remote`) origin's. */
export async function governingAt(repo: RepoPaths, base: string, { remote }: { readonly remote: boolean }): Promise<Governing> {
  const refs = await refTips(repo.root, [`refs/heads/${base}`, `refs/remotes/origin/${base}`]);
  const local = refs.get(`refs/heads/${base}`);
  if (local !== undefined) return { base, ref: `refs/heads/${base}`, commit: local };
  const origin = remote ? refs.get(`refs/remotes/origin/${base}`) : undefined;
  if (origin !== undefined) return { base, ref: `refs/remotes/origin/${base}`, commit: origin };
  return { base, ref: null, commit: null };
}

function readWorktreeConfig(root: string): string | undefined {
  try {
    return readFileSync(configFile(root), 'utf8');
  } catch {
    return undefined;
  }
}

async function readCommittedConfig(root: string, rev: string): Promise<string | undefined> {
  const result = await git(['cat-file', 'blob', `${rev}:${CONFIG_PATH}`], { cwd: root, okCodes: [1, 128] });
  return result.exitCode === 0 ? result.stdout : undefined;
}

/** The `base` a config's text names, if it is JSON with a usable one (the full check comes later). */
function baseIn(text: string | undefined): string | undefined {
  if (text === undefined) return undefined;
  try {
    const base = (JSON.parse(text) as { base?: unknown } | null)?.base;
    return typeof base === 'string' && base !== '' ? base : undefined;
  } catch {
    return undefined;
  }
}

async function guessBase(root: string): Promise<string> {
  const head = await symbolicRef(root, 'HEAD');
  if (head?.startsWith('refs/heads/') === true) return head.slice('refs/heads/'.length);
  const originHead = await symbolicRef(root, 'refs/remotes/origin/HEAD');
  if (originHead?.startsWith('refs/remotes/origin/') === true) return originHead.slice('refs/remotes/origin/'.length);
  const refs = await refTips(root, ['refs/heads/main', 'refs/remotes/origin/main', 'refs/heads/master', 'refs/remotes/origin/master']);
  const has = (name: string): boolean => refs.has(`refs/heads/${name}`) || refs.has(`refs/remotes/origin/${name}`);
  return !has('main') && has('master') ? 'master' : 'main';
}

async function symbolicRef(root: string, name: string): Promise<string | undefined> {
  const result = await git(['symbolic-ref', '--quiet', name], { cwd: root, okCodes: [1, 128] });
  return result.exitCode === 0 ? result.stdout.trim() : undefined;
}

/**
 * The commits these exact refs point at (one git process); a missing ref is absent from the
 * map. `anyType`: also refs to other objects (an annotated tag), with the object's id.
 */
export async function refTips(root: string, refs: readonly string[], anyType = false): Promise<Map<string, string>> {
  const { stdout } = await git(['for-each-ref', '--format=%(objectname) %(objecttype) %(refname)', ...refs], { cwd: root });
  const wanted = new Set(refs);
  const tips = new Map<string, string>();
  for (const line of stdout.split('\n')) {
    const [oid = '', type, name = ''] = line.split(' ');
    // for-each-ref matches by prefix (refs/heads/main also finds refs/heads/main/x): exact names only.
    if ((anyType || type === 'commit') && wanted.has(name)) tips.set(name, oid);
  }
  return tips;
}
