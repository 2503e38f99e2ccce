// The execution workstream's scheduling end to end (issue 17), with the real CLI, real git and
// the scripted agent, on plans of the test's own. An 8-task graph with a diamond at
// concurrency 3: three agents provably at work at once (each holds until the test releases it),
// never more, every merge with its dependencies' merges as ancestors, the integration checks
// green at every commit the base got. Tasks whose `writes` overlap are never in flight
// together, even with slots free, while a task that overlaps neither runs beside them.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import {
  checkAt,
  claimSpans,
  copyOf,
  execTask,
  firstParentsSince,
  overlap,
  parseRun,
  plannedRepo,
  storeStates,
  taskOf,
  taskRuns,
  transitions,
  withPlan,
  type ExecutionRun,
} from '../helpers/execution-run.js';
import { git, tempDir } from '../helpers/git.js';
import { until } from '../helpers/setup.js';

/**
 * A → B, A → C, B,C → D (the diamond); E → F; G; H after D, F and G. A, E and G are ready
 * together: with concurrency 3, all three start.
 */
const DAG = {
  version: 2,
  tasks: [
    execTask('A'),
    execTask('B', { depends_on: ['A'] }),
    execTask('C', { depends_on: ['A'] }),
    execTask('D', { depends_on: ['B', 'C'] }),
    execTask('E'),
    execTask('F', { depends_on: ['E'] }),
    execTask('G'),
    execTask('H', { depends_on: ['D', 'F', 'G'] }),
  ],
};
const DAG_IDS = ['A', 'B', 'C', 'D', 'E', 'F', 'G', 'H'];

/** S1 claims src/shared/**, S2 one file inside it: they overlap. I overlaps neither. */
const CLAIMS = {
  version: 2,
  tasks: [
    execTask('S1', { writes: ['src/shared/**', 'test/S1.test.js'] }),
    execTask('S2', { writes: ['src/shared/a.js', 'test/S2.test.js'] }),
    execTask('I'),
  ],
};

const HELD = Object.fromEntries([...DAG_IDS, 'S1', 'S2', 'I'].map((id) => [id, 'wait-release']));

let planned: string;

beforeAll(() => {
  planned = plannedRepo(HELD, { execution: { concurrency: 3 } });
}, 60_000);

/** Starts `run --workstream execution --wait --json` with a release directory of its own. */
function startRun(repo: string): { release: (...ids: string[]) => void; finish: () => Promise<ExecutionRun> } {
  const releases = join(tempDir(), 'releases');
  mkdirSync(releases);
  const run = cliAsync(repo, ['run', '--workstream', 'execution', '--wait', '--json'], { PHASERUNNER_TEST_RELEASE_DIR: releases });
  const release = (...ids: string[]): void => {
    for (const id of ids) writeFileSync(join(releases, id), '');
  };
  return { release, finish: async () => parseRun(await run.done) };
}

const inState = (states: Record<string, string>, state: string): string[] =>
  Object.entries(states)
    .filter(([, s]) => s === state)
    .map(([id]) => id)
    .sort();

describe('an 8-task graph with a diamond, concurrency 3', () => {
  let repo: string;
  let started: string;
  let seen: Record<string, string>;
  let run: ExecutionRun;

  beforeAll(async () => {
    repo = copyOf(planned);
    started = withPlan(repo, DAG);
    const { release, finish } = startRun(repo);
    try {
      // No agent can end before the test releases it: three in `running` at once are three at work at once.
      await until(() => inState(storeStates(repo), 'running').length === 3, 30_000, 'three tasks running');
      seen = storeStates(repo);
    } finally {
      release(...DAG_IDS);
    }
    run = await finish();
  }, 60_000);

  it('runs three agents at once: the three roots, the rest waiting', () => {
    expect(inState(seen, 'running')).toEqual(['A', 'E', 'G']);
    expect(inState(seen, 'pending')).toEqual(['B', 'C', 'D', 'F', 'H']);
  });

  it('never has more than three tasks in flight', () => {
    const inFlight = new Set<string>();
    let most = 0;
    for (const t of transitions(repo)) {
      if (t.to_state === 'running' || t.to_state === 'verifying') inFlight.add(t.step_id);
      else inFlight.delete(t.step_id);
      most = Math.max(most, inFlight.size);
    }
    expect(most).toBe(3);
  });

  it('merges every task, each once', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.tasks.map((t) => [t.id, t.state, t.attempts])).toEqual(DAG_IDS.map((id) => [id, 'merged', 1]));
    expect(run.events.filter((e) => e.type === 'task-merged').map((e) => e.task).sort()).toEqual(DAG_IDS);
  });

  it("puts every dependency's merge in each task's merge and in the base its agent started from", () => {
    for (const task of run.tasks) {
      const [attempt] = taskRuns(repo, task.id);
      for (const dep of task.depends_on) {
        const merge = taskOf(run.tasks, dep).merge ?? '';
        expect(() => git(repo, 'merge-base', '--is-ancestor', merge, task.merge ?? ''), `${dep}'s merge in ${task.id}'s`).not.toThrow();
        expect(() => git(repo, 'merge-base', '--is-ancestor', merge, attempt?.base_sha ?? ''), `${dep}'s merge in ${task.id}'s start`).not.toThrow();
      }
    }
    // D waited for both sides of the diamond; H for D, F and G.
    expect(taskOf(run.tasks, 'D').depends_on).toEqual(['B', 'C']);
    expect(taskOf(run.tasks, 'H').depends_on).toEqual(['D', 'F', 'G']);
  });

  it("gives the base one merge per task, each exactly a candidate the merge queue tested, and every task's test passes at the end", () => {
    // No integration checks here, to keep the queue short: running them at every commit is
    // execution-merge-queue.test.ts's (and execution-run.test.ts's).
    const commits = firstParentsSince(repo, started);
    expect([...commits].sort()).toEqual(DAG_IDS.map((id) => taskOf(run.tasks, id).merge ?? '').sort());
    const tested = run.events.filter((e) => e.type === 'task-integrating').map((e) => e['candidate']);
    for (const commit of commits) expect(tested).toContain(commit);
    checkAt(repo, commits.at(-1) ?? '', { argv: ['node', '--test', ...DAG_IDS.map((id) => `test/${id}.test.js`)], timeout_seconds: 120 });
  });

  it('leaves no task worktree or branch behind', () => {
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toMatch(/execution-/);
    expect(git(repo, 'branch', '--list', 'phaserunner/execution/*')).toBe('');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });
});

describe('tasks whose writes overlap', () => {
  let repo: string;
  let whenStarted: Record<string, string>;
  let whileHeld: Record<string, string>;
  let run: ExecutionRun;

  beforeAll(async () => {
    repo = copyOf(planned);
    withPlan(repo, CLAIMS);
    const { release, finish } = startRun(repo);
    try {
      // S1 (first in plan order) and I start; S2 overlaps S1 and must wait, slot free or not.
      await until(() => storeStates(repo)['I'] === 'running', 30_000, 'I running');
      // Dispatched in plan order in one pass: S1, then S2 (if the scheduler let it), then I.
      whenStarted = storeStates(repo);
      // I goes all the way through the merge queue while S1 holds its claim: many passes of the
      // runner, each with a free slot and S2 ready.
      release('I');
      await until(() => storeStates(repo)['I'] === 'merged', 30_000, 'I merged');
      whileHeld = storeStates(repo);
    } finally {
      release('S1', 'S2', 'I');
    }
    run = await finish();
  }, 60_000);

  it('keeps the second waiting while the first holds the claim, with a slot free', () => {
    expect(whenStarted).toEqual({ S1: 'running', S2: 'pending', I: 'running' });
    expect(whileHeld).toEqual({ S1: 'running', S2: 'pending', I: 'merged' });
  });

  it('never has both in flight, from dispatch until merged, while the other task ran beside them', () => {
    expect(run.code, run.stderr).toBe(0);
    expect(run.tasks.map((t) => [t.id, t.state])).toEqual([
      ['S1', 'merged'],
      ['S2', 'merged'],
      ['I', 'merged'],
    ]);
    const spans = claimSpans(repo);
    const of = (id: string): { from: number; to: number }[] => spans.filter((s) => s.id === id);
    expect(of('S1')).toHaveLength(1);
    expect(of('S2')).toHaveLength(1);
    for (const a of of('S1')) for (const b of of('S2')) expect(overlap(a, b), JSON.stringify(spans)).toBe(false);
    // Concurrency was there to take: I was in flight together with S1.
    expect(of('I').some((i) => of('S1').some((s) => overlap(i, s)))).toBe(true);
  });
});
