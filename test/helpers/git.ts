// Real git in temp directories for tests.
import { execFileSync } from 'node:child_process';
import { chmodSync, cpSync, writeFileSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { testEnv } from './env.js';
import { tempDir } from './temp.js';

export { tempDir };

export const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const DEMO_INTENT = join(ROOT, 'fixtures', 'demo', 'INTENT.md');

/** Runs git and returns trimmed stdout; throws with stderr on failure. */
export function git(cwd: string, ...args: string[]): string {
  return execFileSync('git', args, { cwd, env: testEnv(), encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] }).trim();
}

/** An empty repository on `main` with no commits. */
export function emptyRepo(): string {
  const dir = tempDir();
  git(dir, 'init', '--quiet', '--initial-branch=main');
  return dir;
}

/** A repository with the demo INTENT.md and a README, committed on main. */
export function repoWithIntent(): string {
  const dir = emptyRepo();
  cpSync(DEMO_INTENT, join(dir, 'INTENT.md'));
  writeFileSync(join(dir, 'README.md'), '# Test project\n');
  git(dir, 'add', '.');
  git(dir, 'commit', '--quiet', '-m', 'Initial commit');
  return dir;
}

export function writeFile(dir: string, path: string, content: string): void {
  const file = join(dir, path);
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, content);
}

/** Writes a file and commits it on the current branch. */
export function commitFile(dir: string, path: string, content: string, message = `Add ${path}`): string {
  writeFile(dir, path, content);
  git(dir, 'add', '--', path);
  git(dir, 'commit', '--quiet', '-m', message);
  return git(dir, 'rev-parse', 'HEAD');
}

/** Commits the config and the phase overrides, as a user would after `init`. */
export function writeConfig(dir: string, config: Record<string, unknown>): void {
  commitFile(dir, '.phaserunner/config.json', JSON.stringify(config, null, 2) + '\n', 'Configure phaserunner');
}

/** A config on the scripted agent; `scripted` sets its behaviors per phase. */
export function scriptedConfig(extra: Record<string, unknown> = {}, scripted: Record<string, unknown> = {}): Record<string, unknown> {
  return {
    version: 1,
    base: 'main',
    agent: 'scripted',
    agents: { scripted: { type: 'scripted', ...scripted } },
    max_attempts: 3,
    // Approvals are tested on their own; elsewhere phases merge as soon as they pass.
    approvals: [],
    ...extra,
  };
}

/**
 * Everything about a repository a user owns: refs, HEAD, index, working tree, stash and
 * worktrees. Two equal snapshots mean phaserunner changed nothing the user can see.
 */
export function userState(dir: string): Record<string, string> {
  return {
    refs: git(dir, 'for-each-ref', '--format=%(refname) %(objectname)'),
    head: git(dir, 'rev-parse', '--symbolic-full-name', 'HEAD'), // "HEAD" when detached
    headCommit: git(dir, 'rev-parse', 'HEAD'),
    index: git(dir, 'ls-files', '--stage'),
    status: git(dir, 'status', '--porcelain=v1', '--untracked-files=all'),
    diff: git(dir, 'diff'),
    stash: git(dir, 'stash', 'list'),
    worktrees: git(dir, 'worktree', 'list', '--porcelain'),
  };
}

/**
 * A repository whose agent is the shell script `script`, committed as tools/agent.sh
 * (executable, in the index too), and run through the `command` adapter as agent `shell`.
 */
export function shellAgentRepo(script: string, adapter: Record<string, unknown> = {}, extra: Record<string, unknown> = {}): string {
  const repo = repoWithIntent();
  commitFile(repo, 'tools/agent.sh', script);
  chmodSync(join(repo, 'tools/agent.sh'), 0o755);
  git(repo, 'update-index', '--chmod=+x', 'tools/agent.sh');
  git(repo, 'commit', '--quiet', '-m', 'Make the agent executable');
  writeConfig(repo, { ...scriptedConfig(extra), agent: 'shell', agents: { shell: { type: 'command', argv: ['./tools/agent.sh'], ...adapter } } });
  return repo;
}

/**
 * userState without what is phaserunner's own: its refs (phase branches, kept attempts) and
 * the worktrees it adds. Equal before and after means nothing of the user's moved.
 */
export function usersOwnState(dir: string): Record<string, string> {
  const { refs = '', ...rest } = userState(dir);
  delete rest.worktrees;
  const own = refs.split('\n').filter((l) => !l.startsWith('refs/heads/phaserunner/') && !l.startsWith('refs/phaserunner/'));
  return { ...rest, refs: own.join('\n') };
}

/** The trailers of a commit as a map (git's own parser, not ours). */
export function trailersOf(dir: string, commit: string): Record<string, string> {
  const out = git(dir, 'log', '-1', '--format=%(trailers:only,unfold)', commit);
  const map: Record<string, string> = {};
  for (const line of out.split('\n')) {
    const i = line.indexOf(': ');
    if (i > 0) map[line.slice(0, i)] = line.slice(i + 2);
  }
  return map;
}
