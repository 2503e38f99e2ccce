// Running the execution workstream end to end for a test: a repository planned to the end with
// the scripted agent (once per test file), copied per case with its store, a plan of the test's
// committed on the base and acknowledged as a user's edit, then the built CLI's
// `run --workstream execution`; and what the tests read back: the tasks' status, the store's
// transitions and runs, and whether the integration checks pass at a commit.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { expect } from 'vitest';
import { cli, json, type CliResult } from './cli.js';
import { testEnv } from './env.js';
import { commitFile, git, tempDir } from './git.js';
import { scriptedRepo } from './setup.js';
import { readStore } from './store.js';

export interface TaskStatus {
  id: string;
  state: string;
  depends_on: string[];
  attempts: number;
  branch: string;
  commit: string | null;
  merge: string | null;
  reason: string | null;
}

export interface ExecutionRun extends CliResult {
  /** Every NDJSON event `run --wait --json` printed, the final result last. */
  readonly events: readonly { type: string; task?: string; [key: string]: unknown }[];
  /** The final result event's status. */
  readonly tasks: readonly TaskStatus[];
}

export interface Check {
  readonly argv: readonly string[];
  readonly timeout_seconds: number;
}

/** The project's whole test suite: the integration check of these tests. */
export const INTEGRATION: Check = { argv: ['node', '--test'], timeout_seconds: 120 };

export interface TaskOptions {
  readonly depends_on?: readonly string[];
  /** Defaults to its own module and test: src/<id>.js, test/<id>.test.js. */
  readonly writes?: readonly string[];
  /** A file the task's check waits for before it runs the test (the test creates it when it wants the check to end). */
  readonly gate?: string;
  readonly max_attempts?: number;
}

/**
 * A version 2 task of a plan the scripted agent did not write: it implements it with its
 * generic files (a module and a test of it), and the task's one check runs that test.
 */
export function execTask(id: string, options: TaskOptions = {}): Record<string, unknown> {
  const test = ['node', '--test', `test/${id}.test.js`];
  // sh -c SCRIPT GATE ARGV...: the gate is $0, the test's argv is "$@".
  const argv = options.gate === undefined ? test : ['sh', '-c', 'while [ ! -e "$0" ]; do sleep 0.05; done; exec "$@"', options.gate, ...test];
  return {
    id,
    title: `Build part ${id}`,
    description: `Part ${id} of the test's plan.`,
    depends_on: [...(options.depends_on ?? [])],
    writes: [...(options.writes ?? [`src/${id}.js`, `test/${id}.test.js`])],
    checks: [{ argv, timeout_seconds: 60 }],
    ...(options.max_attempts === undefined ? {} : { max_attempts: options.max_attempts }),
  };
}

/** A repository (the demo intent, the scripted agent with these behaviors and config) whose planning is complete. */
export function plannedRepo(behaviors: Record<string, string | string[]>, extra: Record<string, unknown>): string {
  const repo = scriptedRepo(behaviors, extra);
  const planned = cli(repo, ['run', '--wait']);
  expect(planned.code, planned.stderr).toBe(0);
  return repo;
}

/** A full copy of a repository, store included (its worktrees go elsewhere: they are keyed by where the repository is). */
export function copyOf(repo: string): string {
  const dir = join(tempDir(), 'repo');
  execFileSync('cp', ['-a', repo, dir]);
  return dir;
}

/**
 * Commits `plan` as planning/tasks.json on main and acknowledges phase 4 (a user's edit of the
 * plan, accepted), as test/e2e/audit-execution.test.ts does. Returns main's tip: where
 * execution starts.
 */
export function withPlan(repo: string, plan: unknown): string {
  commitFile(repo, 'planning/tasks.json', JSON.stringify(plan, null, 2) + '\n', "Plan the test's tasks");
  const ack = cli(repo, ['acknowledge', '4', '--by', 'Test', '--reason', "The test's own plan."]);
  expect(ack.code, ack.stderr).toBe(0);
  return git(repo, 'rev-parse', 'main');
}

/** Parses what `run --workstream execution --wait --json` printed. */
export function parseRun(result: CliResult): ExecutionRun {
  const events = result.stdout
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => {
      try {
        return JSON.parse(l) as ExecutionRun['events'][number];
      } catch {
        throw new Error(`not an NDJSON line: ${l}\nexit ${String(result.code)}, stderr:\n${result.stderr}\nstdout:\n${result.stdout.slice(-3000)}`);
      }
    });
  const last = events.at(-1) as { type: string; status?: { tasks: TaskStatus[] } } | undefined;
  expect(last?.type, `${result.stderr}\n${result.stdout.slice(-3000)}`).toBe('result');
  return { ...result, events, tasks: last?.status?.tasks ?? [] };
}

/** `run --workstream execution --wait --json` to the end. */
export function runExecution(repo: string, env: NodeJS.ProcessEnv = {}): ExecutionRun {
  return parseRun(cli(repo, ['run', '--workstream', 'execution', '--wait', '--json'], env));
}

/** `status --workstream execution --json`'s tasks. */
export function statusTasks(repo: string): TaskStatus[] {
  const result = cli(repo, ['status', '--workstream', 'execution', '--json']);
  expect(result.code, result.stderr).toBe(0);
  const view = json<{ workstream: string; tasks: TaskStatus[] }>(result);
  expect(view.workstream).toBe('execution');
  return view.tasks;
}

export function taskOf(tasks: readonly TaskStatus[], id: string): TaskStatus {
  const task = tasks.find((t) => t.id === id);
  if (task === undefined) throw new Error(`no task ${id} in ${JSON.stringify(tasks)}`);
  return task;
}

/** The tasks' states as the store has them now (cheaper to poll than the CLI). */
export function storeStates(repo: string): Record<string, string> {
  const rows = readStore<{ step_id: string; state: string }>(repo, "SELECT step_id, state FROM steps WHERE workstream = 'execution'");
  return Object.fromEntries(rows.map((r) => [r.step_id, r.state]));
}

export interface Transition {
  id: number;
  step_id: string;
  run_id: string | null;
  from_state: string | null;
  to_state: string;
  reason: string;
}

/** The execution workstream's transitions, in the order they were recorded. */
export function transitions(repo: string): Transition[] {
  return readStore<Transition>(repo, "SELECT id, step_id, run_id, from_state, to_state, reason FROM transitions WHERE workstream = 'execution' ORDER BY id");
}

export interface TaskRunRow {
  run_id: string;
  step_id: string;
  attempt: number;
  step: string;
  run_dir: string;
  base_sha: string;
  commit_sha: string | null;
  merge_sha: string | null;
  failure: string | null;
}

export function taskRuns(repo: string, id: string): TaskRunRow[] {
  return readStore<TaskRunRow>(repo, "SELECT run_id, step_id, attempt, step, run_dir, base_sha, commit_sha, merge_sha, failure FROM runs WHERE workstream = 'execution' AND step_id = ? ORDER BY attempt", id);
}

/**
 * Each task's claims in transition order: from its dispatch (to `running`) until it left the
 * states that hold its writes (merged, failed, or anything else not in flight). Positions are
 * transition ids, so comparing them needs no clock.
 */
export function claimSpans(repo: string): { id: string; from: number; to: number }[] {
  const holding = new Set(['running', 'verifying', 'queued', 'integrating', 'awaiting_approval']);
  const spans: { id: string; from: number; to: number }[] = [];
  const open = new Map<string, number>();
  for (const t of transitions(repo)) {
    const from = open.get(t.step_id);
    if (from === undefined && t.to_state === 'running') open.set(t.step_id, t.id);
    else if (from !== undefined && !holding.has(t.to_state)) {
      spans.push({ id: t.step_id, from, to: t.id });
      open.delete(t.step_id);
    }
  }
  for (const [id, from] of open) spans.push({ id, from, to: Number.POSITIVE_INFINITY });
  return spans;
}

/** Whether two spans share a moment. */
export const overlap = (a: { from: number; to: number }, b: { from: number; to: number }): boolean => a.from < b.to && b.from < a.to;

/** The first-parent commits main got since `from`, oldest first. */
export function firstParentsSince(repo: string, from: string): string[] {
  return git(repo, 'rev-list', '--reverse', '--first-parent', `${from}..main`).split('\n').filter((c) => c !== '');
}

/** Runs `check` in a detached checkout of `commit`; throws with its output when it fails. */
export function checkAt(repo: string, commit: string, check: Check): void {
  const dir = join(tempDir(), commit.slice(0, 12));
  git(repo, 'worktree', 'add', '--quiet', '--detach', dir, commit);
  try {
    execFileSync(check.argv[0] ?? 'node', check.argv.slice(1), { cwd: dir, env: testEnv(), stdio: 'pipe', timeout: check.timeout_seconds * 1000 });
  } catch (error) {
    const e = error as { stdout?: Buffer; stderr?: Buffer };
    throw new Error(`${check.argv.join(' ')} fails at ${commit}:\n${String(e.stdout ?? '')}${String(e.stderr ?? '')}`, { cause: error });
  } finally {
    git(repo, 'worktree', 'remove', '--force', dir);
  }
}

/** `audit` on a fresh clone (no store: from git alone): exit code and findings. */
export function auditClone(repo: string): { code: number | null; findings: { code: string; task?: string; message: string }[]; tasks: { id: string; merged: boolean }[] } {
  const clone = join(tempDir(), 'clone');
  git(tempDir(), 'clone', '--quiet', repo, clone);
  const result = cli(clone, ['audit', '--json']);
  const report = json<{ findings: { code: string; task?: string; message: string }[]; tasks: { id: string; merged: boolean }[] }>(result);
  return { code: result.code, findings: report.findings, tasks: report.tasks };
}
