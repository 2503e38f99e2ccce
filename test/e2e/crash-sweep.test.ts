// The crash-point sweep: kill the runner (SIGKILL, as `kill -9`) at each named point between
// its effects, then run it again until planning is complete. Whatever the point, the result
// must be what an uninterrupted run gives: one phase commit and one merge per phase, the
// agent's output intact, a sound store and repository, no lock or index.lock left, no agent
// left running, and a clean audit.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { CRASH_POINTS, type CrashPoint } from '../../src/runner/crash-points.js';
import { cli } from '../helpers/cli.js';
import { commitFile, git } from '../helpers/git.js';
import { runsOf, scriptedRepo, until } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import { belongsToRun, claimsOf, findFiles } from '../helpers/crash.js';

/** A CLI command, or something the user does between two (it is never where the kill lands). */
type Step = readonly string[] | ((repo: string) => void);

interface Scenario {
  /** Scripted behaviours per phase, and the approvals list. */
  readonly behaviors?: Record<string, string | string[]>;
  readonly approvals?: number[];
  /** What the user does; the sweep's crash lands in whichever command reaches the point. */
  readonly steps: readonly Step[];
  /** The runs (phase, attempt) this gives without a crash: a crash must add none. */
  readonly runs: readonly (readonly [number, number])[];
  /** The phases of the merges on main, oldest first (default: 1-4, once each). */
  readonly merges?: readonly number[];
  /** The record commits (replan, acknowledge) on main, oldest first. */
  readonly records?: readonly string[];
  /** Its planning files differ from a plain run's (its steps change the intent or a plan file). */
  readonly ownReference?: boolean;
}

const ONCE_EACH = [[1, 1], [2, 1], [3, 1], [4, 1]] as const;
const PHASE_1_TWICE = [[1, 1], [1, 2], [2, 1], [3, 1], [4, 1]] as const;
const PHASE_2_TWICE = [[1, 1], [2, 1], [2, 2], [3, 1], [4, 1]] as const;
const RUN = ['run', '--wait'];

/** Where each point is reached: most in a plain run, the others in a scenario of their own. */
const SCENARIOS = {
  plain: { steps: [RUN], runs: ONCE_EACH },
  // Phase 2 fails once: its failure is recorded, then a retry succeeds.
  failure: { behaviors: { '2': ['fail', 'ok'] }, steps: [RUN, ['retry', '2'], RUN], runs: PHASE_2_TWICE },
  // Phase 2's first agent plants a hook and an ignore rule in the shared git directory: the
  // attempt fails for it and both are put back; the retry succeeds.
  tamper: { behaviors: { '2': ['tamper', 'ok'] }, steps: [RUN, ['retry', '2'], RUN], runs: PHASE_2_TWICE },
  approval: { approvals: [2], steps: [RUN, ['approve', '2', '--by', 'Ada'], RUN], runs: ONCE_EACH },
  // Phase 2 is rejected once, then its second attempt approved.
  rejection: {
    approvals: [2],
    steps: [RUN, ['reject', '2', '--by', 'Ada', '--reason', 'Say more about the gaps.'], RUN, ['approve', '2', '--by', 'Ada'], RUN],
    runs: PHASE_2_TWICE,
  },
  // The user writes phase 1's output on main while its agent works: the merge conflicts, and
  // a retry redoes the phase on the new base.
  conflict: {
    steps: [['run'], (repo) => commitFile(repo, 'planning/architecture.md', '# Ours\n', 'User writes the architecture'), RUN, ['retry', '1'], RUN],
    runs: PHASE_1_TWICE,
  },
  // The runner was killed once already, after writing phase 1's dispatch.json and before
  // starting its wrapper: the next run finds the attempt never started and launches it again.
  relaunch: {
    steps: [
      (repo) => {
        const killed = cli(repo, ['run'], { PHASERUNNER_TEST_CRASH_AT: 'dispatch:spec-written' });
        if (killed.signal !== 'SIGKILL') throw new Error(`run was not killed at dispatch:spec-written: ${killed.stderr}`);
      },
      RUN,
    ],
    runs: ONCE_EACH,
  },
  // The store is damaged after phase 2: doctor --repair moves it aside and rebuilds it from git.
  'store-loss': {
    steps: [
      ['run', '--wait', '--until', '2'],
      (repo) => {
        writeFileSync(join(repo, '.git', 'phaserunner', 'state.db'), 'this is not a database\n');
      },
      ['doctor', '--repair'],
      RUN,
    ],
    runs: ONCE_EACH,
  },
  // After planning, the intent gains a goal and phases 2-4 are planned again.
  replan: {
    steps: [
      RUN,
      (repo) => commitFile(repo, 'INTENT.md', `${readFileSync(join(repo, 'INTENT.md'), 'utf8')}\n## More goals\n\n- Share a shelf with a friend.\n`, 'A new goal'),
      ['replan', '2', '--by', 'Ada', '--reason', 'A new goal'],
      RUN,
    ],
    runs: [[1, 1], [2, 1], [2, 2], [3, 1], [3, 2], [4, 1], [4, 2]],
    merges: [1, 2, 3, 4, 2, 3, 4],
    records: ['replan'],
    ownReference: true,
  },
  // After planning, a task file is edited by hand, and the edit acknowledged.
  acknowledge: {
    steps: [RUN, (repo) => commitFile(repo, 'planning/tasks/by-hand.md', '# Written by hand\n', 'A task note by hand'), ['acknowledge', '4', '--by', 'Ada', '--reason', 'A note we want'], RUN],
    runs: ONCE_EACH,
    records: ['acknowledge'],
    ownReference: true,
  },
} satisfies Record<string, Scenario>;

const SCENARIO_OF: Partial<Record<CrashPoint, keyof typeof SCENARIOS>> = {
  'fail:snapshot-kept': 'failure',
  'fail:recorded': 'failure',
  'retry:recorded': 'failure',
  'containment:recorded': 'tamper',
  'approval:awaiting-recorded': 'approval',
  'approve:recorded': 'approval',
  'reject:recorded': 'rejection',
  'conflict:snapshot-kept': 'conflict',
  'conflict:recorded': 'conflict',
  'collect:launch-retired': 'relaunch',
  'dispatch:pid-cleared': 'relaunch',
  'doctor:moved-aside': 'store-loss',
  'rebuild:recorded': 'store-loss',
  'replan:recorded': 'replan',
  'record:commit-made': 'replan',
  'record:published': 'replan',
  'acknowledge:recorded': 'acknowledge',
};

/**
 * Every point at its first hit (phase 1, or the scenario's phase), and every point of a plain
 * run again at its second hit (phase 2, with a phase already done). The lock is taken once
 * per command, so it has no second hit in a plain run.
 */
const SWEEP: string[] = [
  ...CRASH_POINTS,
  ...CRASH_POINTS.filter((p) => SCENARIO_OF[p] === undefined && p !== 'lock:acquired').map((p) => `${p}@2`),
];

/** The planning files an uninterrupted run produces (the scripted agent is deterministic). */
let reference: string;
/** Those of a scenario that changes them, run once without a crash. */
const references = new Map<string, string>();

function referenceOf(name: keyof typeof SCENARIOS, scenario: Scenario): string {
  if (scenario.ownReference !== true) return reference;
  const known = references.get(name);
  if (known !== undefined) return known;
  const repo = scriptedRepo(scenario.behaviors ?? {}, scenario.approvals === undefined ? {} : { approvals: scenario.approvals });
  drive(repo, scenario.steps);
  const files = outputs(repo);
  references.set(name, files);
  return files;
}

function outputs(repo: string): string {
  return git(repo, 'ls-tree', '-r', 'main', '--', 'planning');
}

/** Runs each step once, in order; stops at a command that was killed. Exit codes do not matter here. */
function drive(repo: string, steps: readonly Step[], env: NodeJS.ProcessEnv = {}): { killedAt: number | undefined } {
  for (const [i, step] of steps.entries()) {
    if (typeof step === 'function') step(repo);
    else if (cli(repo, step, env).signal === 'SIGKILL') return { killedAt: i };
  }
  return { killedAt: undefined };
}

beforeAll(() => {
  const repo = scriptedRepo();
  expect(cli(repo, ['run', '--wait']).code).toBe(0);
  reference = outputs(repo);
}, 60_000);

describe('crash-point sweep', () => {
  it('names at least 20 points', () => {
    expect(CRASH_POINTS.length).toBeGreaterThanOrEqual(20);
  });

  it.each(SWEEP.map((point) => ({ point })))(
    'killed at $point, the next runs complete planning exactly once',
    async ({ point }) => {
      const name = SCENARIO_OF[point.split('@')[0] as CrashPoint] ?? 'plain';
      const scenario: Scenario = SCENARIOS[name];
      const expected = referenceOf(name, scenario);
      const repo = scriptedRepo(scenario.behaviors ?? {}, scenario.approvals === undefined ? {} : { approvals: scenario.approvals });
      const steps = scenario.steps;

      // Crash at the point, in whichever command of the scenario reaches it.
      const { killedAt } = drive(repo, steps, { PHASERUNNER_TEST_CRASH_AT: point });
      expect(killedAt, `no command passed ${point}`).toBeDefined();

      // Resume: the command that was killed, the rest, and `run --wait`, with no crash.
      expect(drive(repo, [...steps.slice(killedAt), RUN]).killedAt).toBeUndefined();
      const status = cli(repo, ['status', '--json']);
      const phases = (JSON.parse(status.stdout) as { phases: { phase: number; state: string }[] }).phases;
      expect(phases.map((p) => p.state), status.stdout).toEqual(['done', 'done', 'done', 'done']);

      // One phase commit and one merge per phase (and per replanned phase), in order, each
      // record once, and the agent's output intact.
      const merges = git(repo, 'rev-list', '--first-parent', '--merges', '--reverse', 'main').split('\n');
      const mergedPhases = scenario.merges ?? [1, 2, 3, 4];
      expect(merges.map((m) => git(repo, 'log', '-1', '--format=%(trailers:key=Phase,valueonly)', m).trim())).toEqual(mergedPhases.map(String));
      const phaseCommits = git(repo, 'log', '--format=%s', 'main').split('\n').filter((s) => /^planning: phase \d /.test(s));
      expect(phaseCommits).toHaveLength(mergedPhases.length);
      const records = git(repo, 'log', '--first-parent', '--reverse', '--format=%(trailers:key=Record,valueonly)', 'main').split('\n').filter((r) => r.trim() !== '');
      expect(records).toEqual(scenario.records ?? []);
      expect(outputs(repo)).toBe(expected);
      expect(runsOf(repo).filter((r) => r.step === 'merged').map((r) => r.phase)).toEqual([...mergedPhases].sort());
      // No agent dispatched twice: the runs an uninterrupted scenario gives, and no more.
      expect(runsOf(repo).map((r) => [r.phase, r.attempt])).toEqual(scenario.runs);

      // And no agent started twice for one run: each wrapper logs the agent it started.
      const starts = runsOf(repo).map((run) => {
        const log = join(run.run_dir, 'wrapper.log');
        return existsSync(log) ? readFileSync(log, 'utf8').split('\n').filter((l) => l.includes(' agent started: ')).length : 0;
      });
      expect(starts.every((n) => n === 1), `agent starts per run: ${starts.join(', ')}`).toBe(true);
      // Whatever launches a run took, exactly one of them was claimed by a wrapper.
      const wrapperClaims = runsOf(repo).map((run) => claimsOf(run.run_dir).filter((c) => c.by === 'wrapper').length);
      expect(wrapperClaims, 'wrapper claims per run').toEqual(scenario.runs.map(() => 1));

      // A sound store and repository, nothing left locked or running.
      expect(readStore<{ integrity_check: string }>(repo, 'PRAGMA integrity_check')).toEqual([{ integrity_check: 'ok' }]);
      execFileSync('git', ['fsck', '--no-progress', '--no-dangling'], { cwd: repo, stdio: 'pipe' });
      expect(findFiles(join(repo, '.git'), 'index.lock')).toEqual([]);
      // Nothing an agent planted in the shared git directory stays armed (the tamper scenario).
      expect(existsSync(join(repo, '.git', 'hooks', 'post-commit'))).toBe(false);
      expect(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8')).not.toContain('.envrc');
      expect(existsSync(join(repo, '.git', 'phaserunner', 'runner.lock'))).toBe(false);
      // A wrapper exits a moment after writing exit.json: give it that moment. A pid counts
      // only while its command line names the run (pids are recycled).
      for (const run of runsOf(repo)) {
        const started = join(run.run_dir, 'started.json');
        expect(existsSync(started), `${started} exists`).toBe(true);
        const pids = Object.values(JSON.parse(readFileSync(started, 'utf8')) as Record<string, unknown>).filter((v): v is number => typeof v === 'number');
        await until(() => pids.every((pid) => !belongsToRun(pid, run.run_id)), 5_000, `the processes of run ${run.run_id} to exit`);
      }
      const audit = cli(repo, ['audit', '--json']);
      expect(audit.code, audit.stdout).toBe(0);
    },
    120_000,
  );
});

describe('a run recorded but never started', () => {
  it('fails, rather than starting blind, when its run directory was removed meanwhile; a retry works', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run'], { PHASERUNNER_TEST_CRASH_AT: 'dispatch:run-recorded' }).signal).toBe('SIGKILL');
    const run = runsOf(repo)[0];
    rmSync(run?.run_dir ?? '', { recursive: true, force: true });
    const failed = cli(repo, ['run']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain("the runner stopped before starting the agent, and the attempt's prompt");
    expect(cli(repo, ['retry', '1', '--wait', '--until', '1']).code).toBe(0);
  });
});
