// Execution's crash sweep (issue 17): kill the runner (SIGKILL, as `kill -9`) at each named
// point between execution's effects, and at the moments that have no point (a task's checks
// running; the merge queue testing a candidate; the base moved to the candidate but the merge
// not recorded yet), then run it again until the plan is done. Whatever the moment, the result
// must be what an uninterrupted run gives: every task merged exactly once, no attempt more than
// the scenario causes (a runner killed is never the attempt's fault), no worktree, branch, lock
// or agent left, the integration checks green at every first-parent commit, a clean audit.
//
// Planning runs once; its repository (a three-task plan, acknowledged) is copied per case.
import { execFile, execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, cliAsync } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, git, tempDir } from '../helpers/git.js';
import { scriptedRepo, until } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import { belongsToRun, claimsOf, findFiles } from '../helpers/crash.js';

const EXEC = ['run', '--workstream', 'execution', '--wait'];
const TASKS = ['T-001', 'T-002', 'T-003'];

/** Files in the git directory that hold a check until the test removes them (see holding()). */
const HOLD_CHECKS = 'test-hold-checks';
const HOLD_INTEGRATION = 'test-hold-integration';

/** A check that waits while `hold` exists in the repository's git directory, then runs `command`. */
function holding(hold: string, command: string): string[] {
  return ['sh', '-c', `while [ -e "$(git rev-parse --git-common-dir)/${hold}" ]; do sleep 0.05; done; exec ${command}`];
}

/** The project's test suite on every merge candidate (held only when a case asks). */
const INTEGRATION = { argv: holding(HOLD_INTEGRATION, 'node --test'), timeout_seconds: 120 };

/** A CLI command, or something the test does between two (never where the kill lands). */
type Step = readonly string[] | ((repo: string) => Promise<void>);

interface Scenario {
  /** Scripted behaviours per task. */
  readonly behaviors?: Record<string, string[]>;
  readonly approvals?: string[];
  readonly maxAttempts?: number;
  /** What the user does; the crash lands in whichever command reaches the point. */
  readonly steps: readonly Step[];
  /** For a moment with no named point: starts the runner and kills it from outside at that moment. */
  readonly kill?: (repo: string) => Promise<void>;
  /** The runs (task#attempt) an uninterrupted scenario gives: a crash must add none. */
  readonly runs: readonly string[];
}

const ONCE_EACH = ['T-001#1', 'T-002#1', 'T-003#1'];
const T2_TWICE = ['T-001#1', 'T-002#1', 'T-002#2', 'T-003#1'];

const SCENARIOS = {
  plain: { steps: [EXEC], runs: ONCE_EACH },
  // T-002's first attempt fails; within its budget the runner dispatches it again.
  failure: { behaviors: { 'T-002': ['fail', 'ok'] }, steps: [EXEC], runs: T2_TWICE },
  // One attempt allowed: T-002 fails for good (T-003 goes on), a human retries it.
  retry: { behaviors: { 'T-002': ['fail', 'ok'] }, maxAttempts: 1, steps: [EXEC, ['retry', 'T-002'], EXEC], runs: T2_TWICE },
  approval: { approvals: ['T-002'], steps: [EXEC, ['approve', 'T-002', '--by', 'Ada'], EXEC], runs: ONCE_EACH },
  rejection: {
    approvals: ['T-002'],
    steps: [EXEC, ['reject', 'T-002', '--by', 'Ada', '--reason', 'Say more about titles.'], EXEC, ['approve', 'T-002', '--by', 'Ada'], EXEC],
    runs: T2_TWICE,
  },
  // The runner was killed once already after writing T-001's dispatch spec, before starting
  // its wrapper: the next run launches the same attempt again (launch 2).
  relaunch: {
    steps: [
      async (repo) => {
        const killed = await cliAsync(repo, EXEC, { PHASERUNNER_TEST_CRASH_AT: 'dispatch:spec-written' }).done;
        if (killed.signal !== 'SIGKILL') throw new Error(`run was not killed at dispatch:spec-written: ${killed.stderr}`);
      },
      EXEC,
    ],
    runs: ONCE_EACH,
  },
  // Kills from outside, at moments with no named point.
  verifying: { kill: (repo) => killWhile(repo, HOLD_CHECKS, 'verifying'), steps: [EXEC], runs: ONCE_EACH },
  integrating: { kill: (repo) => killWhile(repo, HOLD_INTEGRATION, 'integrating'), steps: [EXEC], runs: ONCE_EACH },
  published: { kill: killPublishedUnrecorded, steps: [EXEC], runs: ONCE_EACH },
} satisfies Record<string, Scenario>;

type ScenarioName = keyof typeof SCENARIOS;

/**
 * The points that leave a different state behind, each where it is first reached, or at its
 * second hit (`@2`: the second task's, while the third task's agent works). To keep the file
 * within a few minutes on two cores, points that leave the same durable state as one here
 * are left out: `dispatch:prompt-written` and `dispatch:run-recorded` (the run recorded, no
 * wrapper: what the relaunch scenario's first kill at `dispatch:spec-written` leaves),
 * `dispatch:pid-recorded` (agents at work: `commit:ref-moved@2` and the moments kill the
 * runner with an agent at work), `collect:exit-recorded`, `containment:recorded` and
 * `verdict:tree-staged` (an exit recorded, no verdict yet: `collect:judged` is the last of
 * them), `commit:step-recorded` (after it the pass only records `verifying`, as the moment
 * `verifying` covers), `finalize:recorded` at its first hit (the same as its second, with no
 * other task at work). `collect:launch-retired` is not reached by execution (collect-task.ts
 * has no such point).
 */
const CASES: readonly { readonly name: string; readonly scenario: ScenarioName; readonly point?: string }[] = [
  ...['dispatch:worktree-added', 'dispatch:wrapper-launched', 'collect:judged', 'commit:intent-recorded', 'commit:ref-moved@2', 'finalize:recorded@2'].map((point) => ({
    name: point,
    scenario: 'plain' as const,
    point,
  })),
  { name: 'dispatch:pid-cleared', scenario: 'relaunch', point: 'dispatch:pid-cleared' },
  { name: 'fail:snapshot-kept', scenario: 'failure', point: 'fail:snapshot-kept' },
  { name: 'fail:recorded', scenario: 'failure', point: 'fail:recorded' },
  { name: 'retry:recorded', scenario: 'retry', point: 'retry:recorded' },
  { name: 'approve:recorded', scenario: 'approval', point: 'approve:recorded' },
  { name: 'reject:recorded', scenario: 'rejection', point: 'reject:recorded' },
  { name: 'while a task is verifying (its checks running)', scenario: 'verifying' },
  { name: 'while a task is integrating (its candidate tested)', scenario: 'integrating' },
  { name: 'after the base moved to the candidate, before the merge is recorded', scenario: 'published' },
];

/** The repository with planning done and a three-task plan acknowledged; copied per case. */
let planned: string;
/** First-parent trees on which the integration checks passed already (the trees repeat across cases). */
const greenTrees = new Set<string>();

beforeAll(() => {
  planned = scriptedRepo();
  const planning = cli(planned, ['run', '--wait']);
  expect(planning.code, planning.stderr).toBe(0);
  // The scripted plan's first three tasks: the store (T-001), then two tasks on it that run
  // at the same time. T-001's check can be held, for the moment its checks run.
  const plan = JSON.parse(git(planned, 'show', 'main:planning/tasks.json')) as { tasks: { id: string; checks: { argv: string[] }[] }[] };
  plan.tasks = plan.tasks.slice(0, 3);
  expect(plan.tasks.map((t) => t.id)).toEqual(TASKS);
  const [t1] = plan.tasks;
  if (t1 === undefined) throw new Error('no T-001');
  t1.checks = [{ ...t1.checks[0], argv: holding(HOLD_CHECKS, (t1.checks[0]?.argv ?? []).join(' ')) }];
  commitFile(planned, 'planning/tasks.json', JSON.stringify(plan, null, 2) + '\n', 'Plan three tasks');
  const ack = cli(planned, ['acknowledge', '4', '--by', 'Ada', '--reason', 'Three tasks are enough for now.']);
  expect(ack.code, ack.stderr).toBe(0);
}, 120_000);

describe.concurrent('execution crash sweep', () => {
  const slot = limiter(2);
  it.each(CASES)(
    'killed $name, the next runs merge every task exactly once',
    async ({ scenario: name, point }) => {
      await slot(() => sweepCase(name, point));
    },
    300_000,
  );
});

async function sweepCase(name: ScenarioName, point: string | undefined): Promise<void> {
  const scenario: Scenario = SCENARIOS[name];
  const repo = join(tempDir(), 'repo');
  execFileSync('cp', ['-a', planned, repo]);
  const config = JSON.parse(readFileSync(join(repo, '.phaserunner', 'config.json'), 'utf8')) as Record<string, unknown> & { agents: { scripted: Record<string, unknown> } };
  config.agents.scripted.behaviors = scenario.behaviors ?? {};
  if (scenario.maxAttempts !== undefined) config.max_attempts = scenario.maxAttempts;
  config.execution = { concurrency: 2, integration_checks: [INTEGRATION], approvals: scenario.approvals ?? [] };
  const start = commitFile(repo, '.phaserunner/config.json', JSON.stringify(config, null, 2) + '\n', 'Configure execution');

  // Crash at the point, in whichever command of the scenario reaches it (or from outside, at
  // the moment), then resume: the command that was killed, the rest, and `run --wait`.
  let resume = scenario.steps;
  if (scenario.kill !== undefined) await scenario.kill(repo);
  else {
    const killedAt = await drive(repo, scenario.steps, { PHASERUNNER_TEST_CRASH_AT: point });
    expect(killedAt, `no command passed ${point ?? name}`).toBeDefined();
    resume = scenario.steps.slice(killedAt);
  }
  expect(await drive(repo, [...resume, EXEC])).toBeUndefined();

  // Every task merged, each exactly once: one merge per task on the base's first-parent line
  // since execution started, and each task's commit once in the base's history.
  const status = cli(repo, ['status', '--workstream', 'execution', '--json']);
  const tasks = (JSON.parse(status.stdout) as { tasks: { id: string; state: string }[] }).tasks;
  expect(tasks.map((t) => `${t.id} ${t.state}`), status.stdout).toEqual(TASKS.map((id) => `${id} merged`));
  const firstParents = git(repo, 'rev-list', '--first-parent', `${start}..main`).split('\n');
  const merged = firstParents.map((c) => git(repo, 'log', '-1', '--format=%(trailers:key=Task,valueonly)', c).trim());
  expect([...merged].sort()).toEqual(TASKS);
  const taskCommits = git(repo, 'log', '--no-merges', '--format=%(trailers:key=Task,valueonly)', `${start}..main`).split('\n').filter((t) => t.trim() !== '');
  expect(taskCommits.sort()).toEqual(TASKS);

  // No agent dispatched more than the scenario causes: a crash costs no attempt.
  const runs = readStore<{ run_id: string; step_id: string; attempt: number; run_dir: string }>(repo, "SELECT run_id, step_id, attempt, run_dir FROM runs WHERE workstream = 'execution' ORDER BY step_id, attempt");
  expect(runs.map((r) => `${r.step_id}#${r.attempt}`)).toEqual(scenario.runs);
  // And no agent started twice for one run: one start in its wrapper's log, one wrapper claim.
  const starts = runs.map((r) => (existsSync(join(r.run_dir, 'wrapper.log')) ? readFileSync(join(r.run_dir, 'wrapper.log'), 'utf8').split('\n').filter((l) => l.includes(' agent started: ')).length : 0));
  expect(starts, 'agent starts per run').toEqual(runs.map(() => 1));
  expect(runs.map((r) => claimsOf(r.run_dir).filter((c) => c.by === 'wrapper').length), 'wrapper claims per run').toEqual(runs.map(() => 1));

  // Nothing left behind: no task checkout or candidate checkout, no task branch, no lock.
  expect(git(repo, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '))).toEqual([`worktree ${repo}`]);
  expect(git(repo, 'branch', '--list', 'phaserunner/execution/*')).toBe('');
  expect(existsSync(join(repo, '.git', 'phaserunner', 'runner.lock'))).toBe(false);
  expect(findFiles(join(repo, '.git'), 'index.lock')).toEqual([]);
  expect(git(repo, 'status', '--porcelain')).toBe('');
  expect(readStore<{ integrity_check: string }>(repo, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
  execFileSync('git', ['fsck', '--no-progress', '--no-dangling'], { cwd: repo, stdio: 'pipe' });
  // No agent left running (a wrapper exits a moment after writing exit.json: give it that).
  for (const r of runs) {
    const started = JSON.parse(readFileSync(join(r.run_dir, 'started.json'), 'utf8')) as Record<string, unknown>;
    const pids = Object.values(started).filter((v): v is number => typeof v === 'number');
    await until(() => pids.every((pid) => !belongsToRun(pid, r.run_id)), 5_000, `the processes of run ${r.run_id} to exit`);
  }

  // The base got only green trees: the integration checks pass at every first-parent commit.
  for (const commit of firstParents) await integrationGreen(repo, commit);
  const audit = await cliAsync(repo, ['audit', '--json']).done;
  expect(audit.code, audit.stdout).toBe(0);
}

/** Runs each step once, in order; stops at a command that was killed (its index). Exit codes do not matter here. */
async function drive(repo: string, steps: readonly Step[], env: NodeJS.ProcessEnv = {}): Promise<number | undefined> {
  for (const [i, step] of steps.entries()) {
    if (typeof step === 'function') {
      await step(repo);
      continue;
    }
    const result = await cliAsync(repo, step, env).done;
    if (result.signal === 'SIGKILL') return i;
  }
  return undefined;
}


function taskState(repo: string, id: string): string | undefined {
  return readStore<{ state: string }>(repo, "SELECT state FROM steps WHERE workstream = 'execution' AND step_id = ?", id)[0]?.state;
}

/** Holds T-001's checks (or its candidate's) with a file, kills the runner while T-001 is in `state`, then lets them go. */
async function killWhile(repo: string, hold: string, state: string): Promise<void> {
  const file = join(repo, '.git', hold);
  writeFileSync(file, '');
  const runner = cliAsync(repo, EXEC);
  try {
    await untilAsync(() => taskState(repo, 'T-001') === state, `T-001 to be ${state}`);
    runner.child.kill('SIGKILL');
    expect((await runner.done).signal).toBe('SIGKILL');
    expect(taskState(repo, 'T-001')).toBe(state);
  } finally {
    rmSync(file, { force: true });
    runner.child.kill('SIGKILL');
  }
}

/**
 * The merge queue's window with no named point: the base moved to T-001's tested candidate,
 * the merge not recorded. While T-001's candidate is held in its integration check, the test
 * takes the store's write lock; released, the runner publishes the candidate and then waits
 * for the store (its next write), frozen exactly in that window, where it is killed.
 */
async function killPublishedUnrecorded(repo: string): Promise<void> {
  const file = join(repo, '.git', HOLD_INTEGRATION);
  writeFileSync(file, '');
  const runner = cliAsync(repo, EXEC);
  let db: Database.Database | undefined;
  try {
    await untilAsync(() => taskState(repo, 'T-001') === 'integrating', 'T-001 to be integrating');
    const before = git(repo, 'rev-parse', 'main');
    db = new Database(join(repo, '.git', 'phaserunner', 'state.db'), { fileMustExist: true });
    db.exec('BEGIN IMMEDIATE');
    rmSync(file);
    await untilAsync(async () => (await gitAsync(repo, 'rev-parse', 'main')) !== before, 'the base to move to the candidate');
    runner.child.kill('SIGKILL');
    expect((await runner.done).signal).toBe('SIGKILL');
    db.exec('ROLLBACK');
    // The window was hit: the base has T-001's merge, the store says it is still integrating.
    expect(git(repo, 'log', '-1', '--format=%(trailers:key=Task,valueonly)', 'main').trim()).toBe('T-001');
    expect(taskState(repo, 'T-001')).toBe('integrating');
  } finally {
    db?.close();
    rmSync(file, { force: true });
    runner.child.kill('SIGKILL');
  }
}

/** The project's test suite (the integration check, unheld) passes at `commit`; once per tree. */
async function integrationGreen(repo: string, commit: string): Promise<void> {
  const tree = git(repo, 'rev-parse', `${commit}^{tree}`);
  if (greenTrees.has(tree)) return;
  const dir = join(tempDir(), commit.slice(0, 12));
  git(repo, 'worktree', 'add', '--quiet', '--detach', dir, commit);
  try {
    await promisify(execFile)('node', ['--test'], { cwd: dir, env: testEnv() });
    greenTrees.add(tree);
  } finally {
    git(repo, 'worktree', 'remove', '--force', dir);
  }
}

async function gitAsync(cwd: string, ...args: string[]): Promise<string> {
  return (await promisify(execFile)('git', args, { cwd, env: testEnv() })).stdout.trim();
}

async function untilAsync(predicate: () => boolean | Promise<boolean>, what: string, ms = 60_000): Promise<void> {
  const deadline = Date.now() + ms;
  for (;;) {
    try {
      if (await predicate()) return;
    } catch {
      // Not there yet (the store, before the runner made it).
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** At most `n` of the functions given run at once (the machine has two cores). */
function limiter(n: number): <T>(fn: () => Promise<T>) => Promise<T> {
  let running = 0;
  const waiting: (() => void)[] = [];
  return async <T>(fn: () => Promise<T>): Promise<T> => {
    if (running >= n) await new Promise<void>((resolve) => waiting.push(resolve));
    running++;
    try {
      return await fn();
    } finally {
      running--;
      waiting.shift()?.();
    }
  };
}
