// `run --workstream execution` refuses what it cannot execute (issue 17), with the real CLI and
// real git: a malformed or cyclic version 2 plan on the base (a user's edit, acknowledged)
// exits 65 naming planning/tasks.json and the field; before planning is complete it exits 2
// naming the phase it waits on. Either way nothing changed: no execution row in the store, no
// worktree, no branch, the user's checkout and refs as they were.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { copyOf, plannedRepo, withPlan } from '../helpers/execution-run.js';
import { git, userState } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';

const check = [{ argv: ['node', '--test'], timeout_seconds: 60 }];
const task = (id: string, depends_on: unknown[] = [], writes: unknown[] = [`src/${id}.js`]): Record<string, unknown> => ({ id, title: `Task ${id}`, depends_on, writes, checks: check });

interface BadPlan {
  readonly name: string;
  readonly plan: unknown;
  /** What stderr must say: the field and what is wrong with it. */
  readonly says: RegExp;
}

const BAD_PLANS: readonly BadPlan[] = [
  {
    name: 'a writes entry that is not a string',
    plan: { version: 2, tasks: [task('A'), task('B', [], ['src/B.js', 5])] },
    says: /planning\/tasks\.json: tasks\[1\]\.writes\[1\]: .*expected string/,
  },
  {
    name: 'a depends_on naming an unknown task',
    plan: { version: 2, tasks: [task('A'), task('B', ['Z'])] },
    says: /planning\/tasks\.json: tasks\[1\]\.depends_on\[0\]: B depends on Z, which is not a task/,
  },
  {
    name: 'a dependency cycle',
    plan: { version: 2, tasks: [task('A', ['C']), task('B', ['A']), task('C', ['B'])] },
    says: /planning\/tasks\.json: tasks\[[0-2]\]\.depends_on: dependency cycle: [ABC] -> [ABC] -> [ABC] -> [ABC]/,
  },
];

/** Everything a refused run must leave as it was: the user's repository, and the store's execution rows (none). */
function snapshot(repo: string): Record<string, unknown> {
  const count = (table: string): number =>
    existsSync(join(repo, '.git', 'phaserunner', 'state.db')) ? (readStore<{ n: number }>(repo, `SELECT count(*) AS n FROM ${table} WHERE workstream = 'execution'`)[0]?.n ?? -1) : 0;
  return {
    ...userState(repo),
    steps: count('steps'),
    runs: count('runs'),
    transitions: count('transitions'),
    branches: git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads/phaserunner/execution/', 'refs/phaserunner/'),
  };
}

function expectNothingChanged(repo: string, before: Record<string, unknown>): void {
  const after = snapshot(repo);
  expect(after).toEqual(before);
  expect(after['steps']).toBe(0);
  expect(after['runs']).toBe(0);
  expect(after['worktrees']).not.toMatch(/execution-/);
  expect(after['branches']).not.toMatch(/execution/);
}

describe('a plan on the base that cannot be executed', () => {
  let planned: string;

  beforeAll(() => {
    planned = plannedRepo({}, {});
  }, 60_000);

  it.each(BAD_PLANS)('refuses $name: exit 65, the file and the field named, nothing changed', ({ plan, says }) => {
    const repo = copyOf(planned);
    withPlan(repo, plan);
    const before = snapshot(repo);
    for (const args of [['run', '--workstream', 'execution'], ['run', '--workstream', 'execution', '--wait', '--json']]) {
      const result = cli(repo, args);
      expect(result.code, result.stderr).toBe(65);
      expect(result.stderr).toContain('the plan on main cannot be executed');
      expect(result.stderr).toMatch(says);
      expect(result.stderr).toContain('Fix planning/tasks.json on main');
      expectNothingChanged(repo, before);
    }
  });
});

describe('execution before planning is complete', () => {
  it('exits 2 naming the phase it waits on, and changes nothing: a fresh repository', () => {
    const repo = scriptedRepo();
    const before = snapshot(repo);
    const result = cli(repo, ['run', '--workstream', 'execution', '--wait']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('planning is not complete: phase 1 is not merged into main yet');
    expect(result.stderr).toContain('phaserunner run --wait');
    expectNothingChanged(repo, before);
  });

  it('exits 2 naming phase 4 when the task planning failed', () => {
    const repo = scriptedRepo({ '4': 'fail' }, { max_attempts: 1 });
    const planning = cli(repo, ['run', '--wait']);
    expect(planning.code, planning.stderr).toBe(1);
    const before = snapshot(repo);
    const result = cli(repo, ['run', '--workstream', 'execution']);
    expect(result.code, result.stderr).toBe(2);
    expect(result.stderr).toContain('phase 4 is not merged into main yet');
    expectNothingChanged(repo, before);
  }, 60_000);
});
