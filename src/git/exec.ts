// The one place that spawns git. Each operation elsewhere is a function over `git()`.
// The git CLI through node:child_process, chosen per operation by `npm run bench` (git-libs):
// execa spawns the same git in 0.9-1.5x the time and adds ~85 ms of import to every CLI start;
// simple-git adds 50 ms to every command that prints nothing; isomorphic-git is 5-41x slower
// on the large repository and loses commits made in worktrees (docs/performance.md).
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import type { Readable, Writable } from 'node:stream';
import { PhaserunnerError } from '../failures.js';

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
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_PREFIX',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_LITERAL_PATHSPECS',
  'GIT_GLOB_PATHSPECS',
  'GIT_NOGLOB_PATHSPECS',
  'GIT_ICASE_PATHSPECS',
  // Set by `git -c ...` for what it starts (a git alias running phaserunner): read after the
  // GIT_CONFIG_COUNT entries, it would turn the hooks back on.
  'GIT_CONFIG_PARAMETERS',
];

let baseEnv: NodeJS.ProcessEnv | undefined;

function gitEnv(extra: Readonly<Record<string, string>> | undefined): NodeJS.ProcessEnv {
  if (baseEnv === undefined) {
    baseEnv = { ...process.env, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C', ...runnerConfig(process.env) };
    for (const key of SCRUBBED) Reflect.deleteProperty(baseEnv, key);
  }
  return extra === undefined ? baseEnv : { ...baseEnv, ...extra };
}

/** Runs git; throws a `git-failed` failure unless the exit code is 0 or listed in okCodes. */
export function git(args: readonly string[], options: GitOptions): Promise<GitResult> {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, {
      cwd: options.cwd,
      env: gitEnv(options.env),
      stdio: ['pipe', 'pipe', 'pipe'],
      // Its own process group: a Ctrl-C meant for the runner must not kill git half-way
      // through updating a checkout. The runner finishes the step, then stops.
      detached: true,
    });
    const out: Buffer[] = [];
    const err: Buffer[] = [];
    child.stdout.on('data', (chunk: Buffer) => out.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => err.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      // spawn says ENOENT both for a missing program and for a missing working directory.
      if (error.code === 'ENOENT' && !existsSync(options.cwd)) {
        reject(new Error(`cannot run git in ${options.cwd}: the directory does not exist`, { cause: error }));
        return;
      }
      reject(error.code === 'ENOENT' ? new PhaserunnerError({ reason: 'git-missing' }, { cause: error }) : error);
    });
    child.on('close', (code) => {
      const result: GitResult = {
        stdout: Buffer.concat(out).toString('utf8'),
        stderr: Buffer.concat(err).toString('utf8'),
        exitCode: code ?? -1,
      };
      if (code === 0 || (code !== null && options.okCodes?.includes(code) === true)) {
        resolve(result);
        return;
      }
      reject(
        new PhaserunnerError({
          reason: 'git-failed',
          command: `git ${args.join(' ')}`,
          exitCode: code,
          stderr: result.stderr.trim(),
        }),
      );
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
 * 2.31), after any entries the caller's environment already has:
 * - hooks off: its commits, merges, checkouts and ref moves are its own, and a failing or
 *   hanging hook (reference-transaction runs on every ref update) must not wedge a phase
 *   half-way (docs/git-contract.md);
 * - objects and refs fsynced (git >= 2.36): the store is, so a power loss must not leave it
 *   recording a commit or a ref move that git lost.
 */
function runnerConfig(env: NodeJS.ProcessEnv): Record<string, string> {
  return appendGitConfig(env, [
    ['core.hooksPath', '/dev/null'],
    // A monitor named in the repository's config is a program: the runner's git runs none.
    ['core.fsmonitor', 'false'],
    ['core.fsync', 'committed,reference'],
  ]);
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
  /** Resolves when git exits; rejects with `git-failed` on a failure exit code. */
  readonly done: Promise<void>;
  kill(): void;
}

/**
 * Starts a long-running git whose output is consumed as it comes (a `git log` over a long
 * history, a `cat-file --batch` answering many questions): memory stays flat however much
 * git prints.
 */
export function gitProcess(args: readonly string[], options: Pick<GitOptions, 'cwd' | 'env'>): GitProcess {
  const child = spawn('git', args, { cwd: options.cwd, env: gitEnv(options.env), stdio: ['pipe', 'pipe', 'pipe'], detached: true });
  const err: Buffer[] = [];
  child.stderr.on('data', (chunk: Buffer) => {
    if (err.length < 64) err.push(chunk);
  });
  child.stdin.on('error', () => undefined);
  const done = new Promise<void>((resolve, reject) => {
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(error.code === 'ENOENT' ? new PhaserunnerError({ reason: 'git-missing' }, { cause: error }) : error);
    });
    child.on('close', (code) => {
      if (code === 0) {
        resolve();
        return;
      }
      reject(new PhaserunnerError({ reason: 'git-failed', command: `git ${args.join(' ')}`, exitCode: code, stderr: Buffer.concat(err).toString('utf8').trim() }));
    });
  });
  return {
    stdin: child.stdin,
    stdout: child.stdout,
    done,
    kill: () => child.kill('SIGTERM'),
  };
}
