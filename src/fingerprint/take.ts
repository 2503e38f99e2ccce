// Taking the fingerprint of everything an attempt's agent must not change (types.ts). Taken
// when the agent is started and again when it has ended; compare.ts says what differs.
import { existsSync, lstatSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { git, splitNul } from '../git/exec.js';
import { fileState, walkFiles } from './file-state.js';
import { isBelow, realOrResolved } from '../util/path.js';
import type { Area, CheckoutState, FileState, Fingerprint } from './types.js';

export interface Scope {
  /** The shared git directory. */
  readonly commonDir: string;
  /** The user's own checkout (the main worktree), when there is one. */
  readonly userCheckout: string | undefined;
  /** The agent's checkout, and its administrative directory in the shared one. */
  readonly agentWorktree: string;
  readonly agentAdminDir: string | undefined;
  /** The agent's own branch: the one ref it may move. */
  readonly agentBranch: string;
  /** phaserunner's state directory, and this attempt's run directory inside it. */
  readonly stateDir: string;
  readonly runDir: string;
  /** The files in the run directory the runner wrote for this attempt (its prompt, dispatch.json, ref guard). */
  readonly runnerFiles: readonly string[];
  readonly lastApprovalId: number;
  /** Which of runs/ is watched; undefined: every other run's directory (an older fingerprint). */
  readonly runs: RunsWatch | undefined;
  /** Directories the runner makes its worktrees in (Fingerprint.runnerWorktreeRoots); empty: none is the runner's (an older fingerprint). */
  readonly runnerWorktreeRoots: readonly string[];
}

/**
 * Which entries of the state directory's runs/ are watched. Several runs are in flight at
 * once, and each one's wrapper (and the runner, for it) writes its directory while another
 * run's agent works: those are not watched. What is: the directories of runs that had
 * finished when the fingerprint was taken, and any entry that is no run the store records (a
 * directory the agent made), created or changed.
 */
export interface RunsWatch {
  /** The state directory's runs/. */
  readonly dir: string;
  /** The runs/ entries of the runs that had finished when the fingerprint was taken (Fingerprint.watchedRunDirs). */
  readonly finished: readonly string[];
  /**
   * The runs/ entries of every run the store records (any step, any workstream), asked once
   * runs/ is listed: an entry listed is a run's when the store had it by then.
   */
  readonly recorded: () => ReadonlySet<string>;
}

/** The definitions cache: a change to it is only dropped (it is a cache), never an attempt's failure. */
export const CACHE_FILE = 'definitions.cache.json';

/** What the runner itself writes in its state directory while an agent runs: the store, its lock, the cache. */
const RUNNER_WRITES = new Set(['state.db', 'state.db-wal', 'state.db-shm', 'state.db-journal', 'runner.lock', CACHE_FILE]);

export async function takeFingerprint(scope: Scope): Promise<Fingerprint> {
  return { ...(await takeFileStates(scope)), ...(await takeGitState(scope)) };
}

type FileStates = Pick<Fingerprint, 'version' | 'agentAdminDir' | 'cache' | 'files' | 'lastApprovalId' | 'watchedRunDirs' | 'runnerWorktreeRoots'>;

/**
 * The files part: read with no git but `git config --list`, which runs nothing the config
 * names. Taken and put back first when an attempt ends, so that the git that reads refs and
 * the user's checkout runs with the config as it was.
 */
export async function takeFileStates(scope: Scope): Promise<FileStates> {
  return (await fileStates(scope)).states;
}

/**
 * The files part again, when the attempt has ended, with `before` as it compares: without
 * the runs/ entries not watched now that were when it was taken (a run being dispatched
 * when it was taken, whose directory was there before the store recorded it).
 */
export async function takeFileStatesSince(before: Fingerprint, scope: Scope): Promise<{ before: Fingerprint; now: FileStates }> {
  const { states, skipped } = await fileStates(scope);
  if (skipped.size === 0 || scope.runs === undefined) return { before, now: states };
  const runsDir = scope.runs.dir;
  const kept = Object.entries(before.files).filter(([path]) => {
    const entry = runsEntry(runsDir, path);
    return entry === undefined || !skipped.has(entry);
  });
  return { before: { ...before, files: Object.fromEntries(kept) }, now: states };
}

async function fileStates(scope: Scope): Promise<{ states: FileStates; skipped: ReadonlySet<string> }> {
  const configFiles = await gitConfigFiles(scope);
  // From here on synchronous: runs/ is listed and the store asked with no other work of this
  // process (a dispatch) in between.
  const files: Record<string, { area: Area; state: FileState }> = {};
  const add = (area: Area, paths: Iterable<string>, keep = true): void => {
    for (const path of paths) files[path] ??= { area, state: fileState(path, { keep }) };
  };
  add('git-config', configFiles.files);
  add('git-hooks', configFiles.hookDirs.flatMap((dir) => walkFiles(dir)));
  add('git-dir', gitDirFiles(scope));
  // This run's own files are kept whole, to be put back; other runs' only identified.
  add('phaserunner-state', scope.runnerFiles);
  const others = otherRunsFiles(scope);
  add('phaserunner-state', others.files, false);
  const states: FileStates = {
    version: 1,
    agentAdminDir: scope.agentAdminDir ?? null,
    cache: fileState(join(scope.stateDir, CACHE_FILE)),
    files,
    lastApprovalId: scope.lastApprovalId,
    ...(scope.runs === undefined ? {} : { watchedRunDirs: scope.runs.finished }),
    ...(scope.runnerWorktreeRoots.length === 0 ? {} : { runnerWorktreeRoots: scope.runnerWorktreeRoots }),
  };
  return { states, skipped: others.skipped };
}

/** The refs and the user's checkout, as git reports them. */
export async function takeGitState(scope: Scope): Promise<Pick<Fingerprint, 'refs' | 'checkout'>> {
  const [refs, checkout] = await Promise.all([allRefs(scope), checkoutState(scope.userCheckout)]);
  return { refs, checkout };
}

/**
 * Every file git reads config from (all scopes, includes followed: `git config --list
 * --show-origin`), those it would read if they existed (an agent may create them), and the
 * files and directories the config names: excludes, attributes, hooks.
 */
async function gitConfigFiles(scope: Scope): Promise<{ files: Set<string>; hookDirs: string[] }> {
  const home = homedir();
  const xdg = process.env.XDG_CONFIG_HOME;
  const xdgGit = join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.config'), 'git');
  const files = new Set<string>([
    join(scope.commonDir, 'config'),
    join(scope.commonDir, 'config.worktree'),
    join(home, '.gitconfig'),
    join(xdgGit, 'config'),
    join(xdgGit, 'attributes'),
    join(xdgGit, 'ignore'),
  ]);
  if (scope.agentAdminDir !== undefined) files.add(join(scope.agentAdminDir, 'config.worktree'));
  const hookDirs = [join(scope.commonDir, 'hooks')];
  // Both checkouts: an includeIf on gitdir can differ between them.
  // (The agent may have removed its checkout, or its .git: then only the user's.)
  const places = [scope.userCheckout, scope.agentWorktree].filter((p): p is string => p !== undefined && existsSync(join(p, '.git')));
  // Both at once: two gits in turn were a third of a fingerprint's wait.
  const lists = await Promise.all(places.map((cwd) => git(['config', '--list', '--show-origin', '-z'], { cwd, okCodes: [1, 128] })));
  for (const [i, cwd] of places.entries()) {
    const listed = lists[i];
    if (listed === undefined || listed.exitCode !== 0) continue;
    const named: Record<string, string> = {};
    const fields = splitNul(listed.stdout);
    for (let i = 0; i + 1 < fields.length; i += 2) {
      const origin = fields[i] ?? '';
      const entry = fields[i + 1] ?? '';
      if (origin.startsWith('file:')) files.add(resolve(cwd, origin.slice('file:'.length)));
      const newline = entry.indexOf('\n');
      const key = (newline < 0 ? entry : entry.slice(0, newline)).toLowerCase();
      if (newline >= 0) named[key] = entry.slice(newline + 1);
    }
    const path = (value: string | undefined): string | undefined => {
      if (value === undefined || value === '') return undefined;
      const expanded = value.startsWith('~/') ? join(home, value.slice(2)) : value;
      return resolve(cwd, expanded);
    };
    for (const key of ['core.excludesfile', 'core.attributesfile']) {
      const file = path(named[key]);
      if (file !== undefined) files.add(file);
    }
    const hooks = path(named['core.hookspath']);
    if (hooks !== undefined && hooks !== '/dev/null') hookDirs.push(hooks);
  }
  return { files, hookDirs };
}

/** The shared git directory's own files that change what git does or shows: info/, alternates, shallow, HEAD, the worktrees' records. */
function gitDirFiles(scope: Scope): string[] {
  const c = scope.commonDir;
  const paths = [
    ...walkFiles(join(c, 'info')),
    join(c, 'info'),
    join(c, 'HEAD'),
    join(c, 'shallow'),
    join(c, 'commondir'),
    join(c, 'objects', 'info', 'alternates'),
    join(c, 'objects', 'info', 'http-alternates'),
  ];
  // Every worktree's record: where it is and what it has checked out. The agent's own HEAD,
  // index and logs are its to change; where its checkout's git directory points is not.
  // The records of the runner's other worktrees (other attempts' checkouts, integration
  // checkouts) are the runner's to add and remove while this agent works: not watched.
  for (const admin of walkChildren(join(c, 'worktrees'))) {
    const own = scope.agentAdminDir !== undefined && resolve(admin) === resolve(scope.agentAdminDir);
    if (!own && runnersWorktree(admin, scope.runnerWorktreeRoots)) continue;
    paths.push(join(admin, 'gitdir'), join(admin, 'commondir'), join(admin, 'locked'));
    if (!own) paths.push(join(admin, 'HEAD'), join(admin, 'config.worktree'), ...walkFiles(join(admin, 'info')));
  }
  return paths;
}

function walkChildren(dir: string): string[] {
  return walkFiles(dir).map((file) => dirname(file)).filter((d, i, all) => all.indexOf(d) === i && dirname(d) === dir);
}

/**
 * Whether a worktree record (`$GIT_COMMON_DIR/worktrees/<name>`) is of a checkout in one of
 * the runner's worktree directories: its `gitdir` names a `.git` inside one. A record whose
 * `gitdir` cannot be read is watched.
 */
function runnersWorktree(admin: string, roots: readonly string[]): boolean {
  if (roots.length === 0) return false;
  let gitdir: string;
  try {
    gitdir = readFileSync(join(admin, 'gitdir'), 'utf8').trim();
  } catch {
    return false;
  }
  if (gitdir === '' || !isAbsolute(gitdir)) return false;
  const checkout = dirname(gitdir);
  const forms = [resolve(checkout), realOrResolved(checkout)];
  return roots.some((root) => forms.some((path) => isBelow(root, path) || isBelow(realOrResolved(root), path)));
}



/**
 * phaserunner's state but this run's directory, what the runner itself writes while an agent
 * works, and (Scope.runs) the directories of other runs in flight; with the runs/ entries
 * skipped as runs in flight.
 */
function otherRunsFiles(scope: Scope): { files: string[]; skipped: ReadonlySet<string> } {
  const runDir = resolve(scope.runDir);
  const runs = scope.runs;
  const skipped = new Set<string>();
  let inFlight: (name: string) => boolean = () => false;
  if (runs !== undefined) {
    const finished = new Set(runs.finished);
    const recorded = runs.recorded();
    inFlight = (name) => !finished.has(name) && recorded.has(name);
  }
  const files = walkFiles(scope.stateDir, (path) => {
    if (resolve(path) === runDir) return true;
    const parent = dirname(path);
    if (parent === scope.stateDir) return runnerWrites(basename(path));
    if (runs !== undefined && parent === runs.dir && inFlight(basename(path))) {
      skipped.add(basename(path));
      return true;
    }
    return false;
  });
  return { files, skipped };
}

/** The entry of runs/ a path lies in, or undefined outside runs/. */
function runsEntry(runsDir: string, path: string): string | undefined {
  const rel = relative(runsDir, path);
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) return undefined;
  return rel.split(sep)[0];
}

/**
 * The runner's own files at the top of its state directory, and the files it writes on the
 * way to them: the lock's (runner/lock.ts: `runner.lock.<pid>.tmp`, `.stale`, left behind by
 * a runner killed while it took the lock) and atomic writes' (util/fs.ts: `.<name>.<pid>.<ms>.tmp`).
 * A runner started while an agent works takes the lock and writes them; no agent's doing.
 */
export function runnerWrites(name: string): boolean {
  if (RUNNER_WRITES.has(name)) return true;
  if (/^runner\.lock\.\d+\.(?:tmp|stale)$/.test(name)) return true;
  const aside = /^\.(.+)\.\d+\.\d+\.tmp$/.exec(name);
  return aside !== null && runnerWrites(aside[1] ?? '');
}

/** Every ref (symbolic ones as `ref: <target>`) but the agent's own branch. */
async function allRefs(scope: Scope): Promise<Record<string, string>> {
  const cwd = scope.userCheckout ?? scope.commonDir;
  const out = await git(['for-each-ref', '--format=%(refname)%00%(objectname)%00%(symref)'], { cwd });
  const refs: Record<string, string> = {};
  const own = `refs/heads/${scope.agentBranch}`;
  for (const line of out.stdout.split('\n')) {
    if (line === '') continue;
    const [name = '', oid = '', symref = ''] = line.split('\0');
    // Remote-tracking refs move with every fetch (an editor fetches on its own): never the agent's doing to judge.
    if (name === own || name.startsWith('refs/remotes/')) continue;
    refs[name] = symref === '' ? oid : `ref: ${symref}`;
  }
  return refs;
}

/** What `git status` lists in the user's checkout, each path's identity, and the flagged index entries. */
async function checkoutState(root: string | undefined): Promise<CheckoutState | null> {
  if (root === undefined) return null;
  const [status, flagged] = await Promise.all([
    git(['status', '--porcelain=v2', '-z', '--untracked-files=all', '--no-renames', '--ignore-submodules=none'], { cwd: root, okCodes: [128] }),
    git(['ls-files', '-v', '-z'], { cwd: root, okCodes: [128] }),
  ]);
  const paths: Record<string, string> = {};
  for (const record of splitNul(status.stdout)) {
    const path = statusPath(record);
    if (path !== undefined) paths[path] = identity(join(root, path));
  }
  const flags: Record<string, string> = {};
  for (const record of splitNul(flagged.stdout)) {
    const tag = record.slice(0, 1);
    // H is a plain cached entry; S skip-worktree; a lower-case tag is assume-unchanged.
    if (tag !== 'H' && record.charAt(1) === ' ') flags[record.slice(2)] = tag;
  }
  return { root, paths, flags };
}

/** The path of one `--porcelain=v2 -z` record (renames are off, so one path each). */
function statusPath(record: string): string | undefined {
  const kind = record.charAt(0);
  // "1 XY sub mH mI mW hH hI path", "u XY sub m1 m2 m3 mW h1 h2 h3 path", "? path", "! path".
  const fields = kind === '1' ? 8 : kind === 'u' ? 10 : kind === '?' || kind === '!' ? 1 : -1;
  if (fields < 0) return undefined;
  let at = 0;
  for (let i = 0; i < fields; i++) {
    at = record.indexOf(' ', at) + 1;
    if (at === 0) return undefined;
  }
  return record.slice(at);
}

function identity(path: string): string {
  try {
    const st = lstatSync(path, { bigint: true });
    return `${st.mode.toString(8)} ${st.size} ${st.ino} ${st.ctimeNs}`;
  } catch {
    return 'missing';
  }
}
