// Shared by the merge queue's tests (test/unit/integrate-*.test.ts): the runner's own git runs
// in this process there, so it gets the tests' scrubbed git configuration (no user or system
// config: a user's commit.gpgsign would make commit-tree sign), and a repository with a base
// and a task branch to merge.
import { testEnv } from './env.js';
import { commitFile, emptyRepo, git } from './git.js';
import { planDigestOf, type TaskTrailers } from '../../src/git/task-trailers.js';

/** Gives the runner's git in this process (src/git/exec.ts) the tests' git configuration; call before its first git. */
export function useTestGitConfig(): void {
  const env = testEnv();
  for (const key of ['HOME', 'GIT_CONFIG_GLOBAL', 'GIT_CONFIG_NOSYSTEM'] as const) process.env[key] = env[key];
}

export const IDENTITY = { name: 'phaserunner', email: 'phaserunner@example.invalid' };

export const TRAILERS: TaskTrailers = {
  workstream: 'execution',
  task: 'T-001',
  runId: '01JDX5W4Q3F8N2M7K9P0R6T1VB',
  attempt: 2,
  agent: 'scripted',
  exitCode: 0,
  artifactsDigest: `sha256:${'a'.repeat(64)}`,
  planDigest: planDigestOf('b'.repeat(40)),
};

export interface TaskRepo {
  readonly repo: string;
  /** main's tip after the base moved on past the task's fork point. */
  readonly baseTip: string;
  /** The tip of the task branch `phaserunner/execution/T-001`. */
  readonly task: string;
}

/**
 * main with README.md, a task branch adding `files` from there, and main moved on with
 * `baseFiles` (so the merge is a true merge); main checked out in the repository's checkout.
 */
export function taskRepo(files: Record<string, string>, baseFiles: Record<string, string> = { 'base.txt': 'base moved on\n' }): TaskRepo {
  const repo = emptyRepo();
  commitFile(repo, 'README.md', '# project\n', 'Initial commit');
  git(repo, 'checkout', '--quiet', '-b', 'phaserunner/execution/T-001');
  for (const [path, content] of Object.entries(files)) commitFile(repo, path, content);
  const task = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '--quiet', 'main');
  for (const [path, content] of Object.entries(baseFiles)) commitFile(repo, path, content);
  return { repo, baseTip: git(repo, 'rev-parse', 'HEAD'), task };
}
