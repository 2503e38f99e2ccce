// The one place that spawns git. Each operation elsewhere is a function over `git()`.
// The git CLI through node:child_process, chosen per operation by `npm run bench` (git-libs):
// execa spawns the same git in 0.9-1.5x the time and adds ~85 ms of import to every CLI start;
// simple-git adds 50 ms to every command that prints nothing; isomorphic-git is 5-41x slower
// on the large repository and loses commits made in worktrees (docs/performance.md).
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { REDIRECTING_GIT_ENV } from './redirecting-env.js';
import { PhaserunnerError } from '../failures.js';
import { killGroup } from '../util/process.js';
import { CONFIG_QUERY, parseRepositoryConfig, type RepositoryConfig } from './drivers.js';

export interface GitResult {
  readonly stdout: string;
  readonly stderr: string;
  readonly exitCode: number;
}

export interface GitOptions {
  /** Directory git runs in: a worktree, or any directory inside the repository. */
  readonly cwd: string;
  /** Written to git's stdin. */
  readonly input?: string;
  /** Extra environment, on top of the scrubbed inherited one. */
  readonly env?: Readonly<Record<string, string>>;
  /** Exit codes that are answers rather than failures (e.g. 1 from merge-tree: conflicts). */
  readonly okCodes?: readonly number[];
}

// Variables that would redirect git away from the cwd we pass (set, for example, when the
// runner is started from inside a git hook), or make it prompt on a terminal nobody watches.
const SCRUBBED = [
  ...REDIRECTING_GIT_ENV,
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
];

let baseEnv: NodeJS.ProcessEnv | undefined;

function gitEnv(extra: Readonly<Record<string, string>> | undefined, drivers: readonly (readonly [string, string])[]): NodeJS.ProcessEnv {
  if (baseEnv === undefined) {
    baseEnv = {
      ...process.env,
      GIT_TERMINAL_PROMPT: '0',
      GIT_OPTIONAL_LOCKS: '0',
      LC_ALL: 'C',
      // Stronger than any config (pager.<cmd> included): git's own "no pager".
      GIT_PAGER: 'cat',
      // core.gitProxy's first matching entry wins, so a later one cannot override it; this
      // variable, empty, is read before any of them and means no proxy.
      GIT_PROXY_COMMAND: '',
      ...runnerConfig(process.env),
    };
    for (const key of SCRUBBED) Reflect.deleteProperty(baseEnv, key);
  }
  const env = extra === undefined ? baseEnv : { ...baseEnv, ...extra };
  return drivers.length === 0 ? env : { ...env, ...appendGitConfig(env, drivers) };
}

/** How long one git may run before it is stopped (timeouts.git_minutes). */
export const DEFAULT_GIT_TIMEOUT_MINUTES = 10;
let timeoutMinutes = DEFAULT_GIT_TIMEOUT_MINUTES;

/** Sets the timeout of every git started from now on (the runner sets it from its config). */
export function setGitTimeout(minutes: number): void {
  timeoutMinutes = minutes;
}

/** Runs git; throws a `git-failed` failure unless the exit code is 0 or listed in okCodes. */
export async function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  const drivers = readsThroughDrivers(args) ? (await repositoryConfig(options.cwd)).neutralised : [];
  return run(args, options, drivers);
}

function run(args: readonly string[], options: GitOptions, drivers: readonly (readonly [string, string])[]): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const command = `git ${args.join(' ')}`;
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: gitEnv(options.env, drivers),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C meant for the runner must not kill git half-way
      // through updating a checkout. The runner finishes the step, then stops.
      detached: true,
    });
    const untrack = track(child);
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    const minutes = timeoutMinutes;
    // Settled here, not on 'close': a process that git started and that escaped its group
    // could hold the pipes open for ever.
    const timer = setTimeout(() => {
      stopGroup(child.pid);
      child.stdout.destroy();
      child.stderr.destroy();
      reject(new PhaserunnerError({ reason: 'git-failed', command, exitCode: null, stderr: Buffer.concat(err).toString('utf8').trim(), timedOutMinutes: minutes }));
    }, minutes * 60_000);
    child.on('error', (error: NodeJS.ErrnoException) => {
      clearTimeout(timer);
      untrack();
      // spawn says ENOENT both for a missing program and for a missing working directory.
      if (error.code === 'ENOENT' && !existsSync(options.cwd)) {
        reject(new Error(`cannot run git in ${options.cwd}: the directory does not exist`, { cause: error }));
        return;
      }
      reject(error.code === 'ENOENT' ? new PhaserunnerError({ reason: 'git-missing' }, { cause: error }) : error);
    });
    child.on('close', (code) => {
      clearTimeout(timer);
      untrack();
      const result: GitResult = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code ?? -1,
      };
      if (code === 0 || (code !== null && options.okCodes?.includes(code) === true)) {
        resolve(result);
        return;
      }
      reject(new PhaserunnerError({ reason: 'git-failed', command, exitCode: code, stderr: result.stderr.trim() }));
    });
    // A git that exits before reading its stdin makes the write fail with EPIPE; the exit
    // code already tells us what happened.
    child.stdin.on('error', () => undefined);
    child.stdin.end(options.input ?? '');
  });
}

/** Runs git and returns trimmed stdout. */
export async function gitOut(args: readonly string[], options: GitOptions): Promise<string> {
  return (await git(args, options)).stdout.trim();
}

/** Splits NUL-terminated git output (`-z`) into its records. */
export function splitNul(text: string): string[] {
  const parts = text.split('\0');
  if (parts.at(-1) === '') parts.pop();
  return parts;
}

/**
 * Config for every git the runner starts, through the environment (`GIT_CONFIG_COUNT`, git >=
 * 2.31), after any entries the caller's environment already has. Entries of this (command)
 * scope win over every config file, the repository's own and what it includes, so nothing an
 * agent (or anyone) writes there runs inside the runner's git:
 * - hooks off: its commits, merges, checkouts and ref moves are its own, and a failing or
 *   hanging hook (reference-transaction runs on every ref update) must not wedge a phase
 *   half-way (docs/git-contract.md);
 * - objects and refs fsynced (git >= 2.36): the store is, so a power loss must not leave it
 *   recording a commit or a ref move that git lost;
 * - no fsmonitor: a command there runs inside status, ls-files, add, write-tree, merge and
 *   worktree add, and `true` starts git's own daemon, which outlives the runner;
 * - no automatic gc or maintenance: `merge` starts them in the background, past the runner;
 * - no signature checks (merge.verifySignatures, log.showSignature): they run gpg.program;
 * - no recursion into submodules: a checkout would run git there, under their own config;
 * - no program for a pager, an editor, an external diff, a password prompt, credentials, ssh
 *   or the ext:: transport, though the runner needs none of them (it never writes to a
 *   terminal, never edits, diffs names only and never fetches): ":" and "cat" are git's own
 *   "none", an empty helper list has none, `ssh` is what git runs when nothing is configured.
 * uploadpack.packObjectsHook is read only from the user's own config, never a repository's.
 * Drivers (filters, merge and diff drivers) are per repository: see `repositoryConfig`.
 */
function runnerConfig(env: NodeJS.ProcessEnv): Record<string, string> {
  return appendGitConfig(env, [
    ['core.hooksPath', '/dev/null'],
    // A monitor named in the repository's config is a program: the runner's git runs none.
    ['core.fsmonitor', 'false'],
    ['core.fsync', 'committed,reference'],
    ['core.fsmonitor', 'false'],
    ['gc.auto', '0'],
    ['maintenance.auto', 'false'],
    ['merge.verifySignatures', 'false'],
    ['log.showSignature', 'false'],
    ['submodule.recurse', 'false'],
    ['core.pager', 'cat'],
    ['core.editor', ':'],
    ['sequence.editor', ':'],
    ['diff.external', ''],
    ['core.askPass', ''],
    ['credential.helper', ''],
    ['core.sshCommand', 'ssh'],
    ['core.alternateRefsCommand', ''],
    ['protocol.ext.allow', 'never'],
  ]);
}

/**
 * The config of the repository seen from `cwd`: the entries that turn its drivers off
 * (src/git/drivers.ts), and core.fileMode. Read once per directory (a worktree's config can
 * differ: config.worktree, `includeIf "onbranch:"`), with its includes, and kept until
 * `forgetRepositoryConfig`: the runner calls it when an attempt ends, since an agent can
 * define new drivers while it works.
 */
export function repositoryConfig(cwd: string): Promise<RepositoryConfig> {
  let known = configs.get(cwd);
  if (known === undefined) {
    // Exit 1: none of those keys is set.
    known = run(['config', '-z', '--get-regexp', CONFIG_QUERY], { cwd, okCodes: [1] }, []).then((r) => parseRepositoryConfig(r.stdout));
    configs.set(cwd, known);
    // A failure is not kept: the next git asks again.
    known.catch(() => configs.delete(cwd));
  }
  return known;
}

const configs = new Map<string, Promise<RepositoryConfig>>();

/** Forgets every repository's config read so far: the next git that needs it reads it again. */
export function forgetRepositoryConfig(): void {
  configs.clear();
}

/**
 * Whether git, run with these arguments, may read files of a checkout through attributes
 * (clean and smudge filters) or merge file contents (merge drivers), and so needs the drivers
 * turned off. The commands listed here, as the runner calls them, read only git's objects and
 * refs; everything else (status, ls-files, add, diff, merge, merge-tree, reset, ...) gets the
 * repository's config read first. So does every git that writes an index (read-tree,
 * update-index, write-tree): writing one, git compares its racily clean entries with the
 * checkout's files, which it reads through the clean filter.
 */
function readsThroughDrivers(args: readonly string[]): boolean {
  let i = 0;
  while (i < args.length && (args[i] ?? '').startsWith('-')) {
    // The drivers are read in `cwd`: a git pointed elsewhere would get another directory's.
    if (args[i] === '-C') throw new Error(`run git in its directory with the cwd option, not -C: git ${args.join(' ')}`);
    i += args[i] === '-c' ? 2 : 1;
  }
  const command = args[i] ?? '';
  const rest = args.slice(i + 1);
  const has = (...flags: string[]): boolean => rest.some((a) => flags.some((f) => a === f || a.startsWith(`${f}=`)));
  switch (command) {
    case 'rev-parse':
    case 'rev-list':
    case 'for-each-ref':
    case 'show-ref':
    case 'symbolic-ref':
    case 'update-ref':
    case 'check-ref-format':
    case 'merge-base':
    case 'ls-tree':
    case 'commit-tree':
    case 'branch':
    case 'config':
    case 'version':
      return false;
    case 'cat-file':
      return has('--filters', '--textconv');
    case 'hash-object':
      return !has('--no-filters');
    case 'log':
      return has('-p', '-u', '--patch', '--stat', '--numstat', '--shortstat', '--dirstat', '--cc', '--textconv', '--ext-diff', '--word-diff');
    case 'worktree':
      // `add --no-checkout` writes no file: the runner checks the new worktree out itself.
      return !['list', 'prune'].includes(rest[0] ?? '') && !(rest[0] === 'add' && has('--no-checkout'));
    default:
      return true;
  }
}

/** Running gits (their pids, each its own group's leader), stopped if the runner exits first. */
const live = new Set<number>();
let exitHook = false;

function track(child: ChildProcess): () => void {
  const pid = child.pid;
  if (pid === undefined) return () => undefined;
  live.add(pid);
  if (!exitHook) {
    exitHook = true;
    // However the runner ends (done, a second Ctrl-C, an uncaught error), no git of its own
    // goes on after it: a `git add` of a huge tree, a git stuck reading an include.
    process.on('exit', () => {
      stopGitChildren();
    });
  }
  return () => live.delete(pid);
}

/**
 * Stops every git the runner started and that still runs, with its process group. SIGTERM:
 * git removes its lock files (index.lock) as it dies, so none is left behind in a checkout.
 */
export function stopGitChildren(): void {
  for (const pid of live) killGroup(pid, 'SIGTERM');
  live.clear();
}

/** How long a git stopped for its timeout has to end before it is killed outright. */
const KILL_GRACE_MS = 5_000;

/** SIGTERM to a git's group, then SIGKILL if it has not ended (closed its pipes) by the grace. */
function stopGroup(pid: number | undefined): void {
  killGroup(pid, 'SIGTERM');
  if (pid === undefined) return;
  setTimeout(() => {
    if (live.has(pid)) killGroup(pid, 'SIGKILL');
  }, KILL_GRACE_MS).unref();
}

/**
 * The `GIT_CONFIG_COUNT`/`_KEY_n`/`_VALUE_n` variables that add `entries` after those `env`
 * already has (a user's own entries are kept, and ours, coming later, win).
 */
export function appendGitConfig(env: Readonly<Record<string, string | undefined>>, entries: readonly (readonly [string, string])[]): Record<string, string> {
  const count = Number(env['GIT_CONFIG_COUNT'] ?? '0');
  const n = Number.isInteger(count) && count >= 0 ? count : 0;
  const config: Record<string, string> = { GIT_CONFIG_COUNT: String(n + entries.length) };
  entries.forEach(([key, value], i) => {
    config[`GIT_CONFIG_KEY_${n + i}`] = key;
    config[`GIT_CONFIG_VALUE_${n + i}`] = value;
  });
  return config;
}

export interface GitProcess {
  readonly stdin: Writable;
  readonly stdout: Readable;
  /** Resolves when git exits; rejects with `git-failed` on a failure exit code, or when it stalled. */
  readonly done: Promise<void>;
  kill(): void;
}

export interface GitProcessOptions extends Pick<GitOptions, 'cwd' | 'env'> {
  /**
   * Whether git owes output now (a `cat-file --batch` with questions unanswered). A git that
   * owes output and prints nothing for a whole timeout (timeouts.git_minutes) is stopped; one
   * waiting for questions is not. Default: always (a `git log` prints until it is done).
   */
  readonly owesOutput?: () => boolean;
}

/**
 * Starts a long-running git whose output is consumed as it comes (a `git log` over a long
 * history, a `cat-file --batch` answering many questions): memory stays flat however much
 * git prints. Only for commands that read no checkout (see `readsThroughDrivers`).
 */
export function gitProcess(args: readonly string[], options: GitProcessOptions): GitProcess {
  if (readsThroughDrivers(args)) throw new Error(`gitProcess cannot run \`git ${args.join(' ')}\`: it reads a checkout, so it needs the repository's drivers turned off; use git()`);
  const command = `git ${args.join(' ')}`;
  const child = spawn('git', args, { cwd: options.cwd, env: gitEnv(options.env, []), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const untrack = track(child);
  const err: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => {
    if (err.length < 64) err.push(chunk);
  });
  child.stdin.on('error', () => undefined);
  const owes = options.owesOutput ?? (() => true);
  const minutes = timeoutMinutes;
  let printed = false;
  let owedBefore = false;
  child.stdout.on('data', () => {
    printed = true;
  });
  let stalled: (() => void) | undefined;
  // Checked once per timeout: a stall is output owed at two checks running with none between.
  const watch = setInterval(() => {
    const owed = owes();
    if (!printed && owed && owedBefore) stalled?.();
    printed = false;
    owedBefore = owed;
  }, minutes * 60_000);
  watch.unref();
  const done = new Promise<void>((resolve, reject) => {
    const settle = (): void => {
      clearInterval(watch);
      untrack();
    };
    stalled = () => {
      clearInterval(watch);
      stopGroup(child.pid);
      child.stdout.destroy();
      reject(new PhaserunnerError({ reason: 'git-failed', command, exitCode: null, stderr: Buffer.concat(err).toString('utf8').trim(), timedOutMinutes: minutes }));
    };
    child.on('error', (error: NodeJS.ErrnoException) => {
      settle();
      reject(error.code === 'ENOENT' ? new PhaserunnerError({ reason: 'git-missing' }, { cause: error }) : error);
    });
    child.on('close', (code) => {
      settle();
      if (code === 0) {
        resolve();
        return;
      }
      reject(new PhaserunnerError({ reason: 'git-failed', command, exitCode: code, stderr: Buffer.concat(err).toString('utf8').trim() }));
    });
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    done,
    kill: () => child.kill('SIGTERM'),
  };
}
