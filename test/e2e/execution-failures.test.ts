// Execution tasks that fail, end to end (issue 17), with the real CLI, real git and the
// scripted agent: a task that fails on every attempt blocks its dependents, naming it, while an
// independent branch of the graph is merged; a task that writes outside its `writes` fails
// with the file named, and with one attempt allowed it is failed for good. Either way `run
// --wait` exits 1, nothing of the failed task reaches the base, its attempts' files are kept,
// and the audit stays clean, here and on a fresh clone.
import { beforeAll, describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { auditClone, copyOf, execTask, plannedRepo, runExecution, statusTasks, taskOf, taskRuns, withPlan, type ExecutionRun } from '../helpers/execution-run.js';
import { git } from '../helpers/git.js';

/** F fails every time (two attempts); G and H wait on it; I1 → I2 do not. */
const BLOCKING = {
  version: 2,
  tasks: [
    execTask('F', { max_attempts: 2 }),
    execTask('G', { depends_on: ['F'] }),
    execTask('H', { depends_on: ['G'] }),
    execTask('I1'),
    execTask('I2', { depends_on: ['I1'] }),
  ],
};

/** O writes a file outside its writes, with one attempt; P is independent. */
const OUTSIDE = {
  version: 2,
  tasks: [execTask('O', { max_attempts: 1 }), execTask('P')],
};

let planned: string;

beforeAll(() => {
  planned = plannedRepo({ F: 'fail', O: 'outside' }, { execution: { concurrency: 2 } });
}, 60_000);

/** Paths of `paths` that main has. */
const onMain = (repo: string, ...paths: string[]): string => git(repo, 'ls-tree', '-r', '--name-only', 'main', '--', ...paths);

/** The Task trailers of main's history. */
const mergedTasks = (repo: string): string[] =>
  git(repo, 'log', '--format=%(trailers:key=Task,valueonly)', 'main')
    .split('\n')
    .filter((l) => l !== '');

describe('a task that always fails', () => {
  let repo: string;
  let run: ExecutionRun;

  beforeAll(() => {
    repo = copyOf(planned);
    withPlan(repo, BLOCKING);
    run = runExecution(repo);
  }, 60_000);

  it('exits 1, the failed task failed after its two attempts', () => {
    expect(run.code, run.stderr).toBe(1);
    const f = taskOf(run.tasks, 'F');
    expect(f.state).toBe('failed');
    expect(f.attempts).toBe(2);
    expect(taskRuns(repo, 'F').map((r) => [r.attempt, r.step])).toEqual([
      [1, 'failed'],
      [2, 'failed'],
    ]);
  });

  it('blocks its dependents, direct and transitive, naming it, and never starts them', () => {
    for (const id of ['G', 'H']) {
      const task = taskOf(run.tasks, id);
      expect(task.state, id).toBe('blocked');
      expect(task.attempts, id).toBe(0);
      expect(task.reason, id).toMatch(/\bblocked by F\b/);
      expect(taskRuns(repo, id)).toEqual([]);
    }
    const blocked = run.events.filter((e) => e.type === 'task-blocked');
    expect(blocked.map((e) => [e.task, e['causes']])).toEqual(expect.arrayContaining([['G', ['F']], ['H', ['F']]]));
  });

  it('merges the independent branch of the graph', () => {
    expect(taskOf(run.tasks, 'I1').state).toBe('merged');
    expect(taskOf(run.tasks, 'I2').state).toBe('merged');
    expect(mergedTasks(repo).sort()).toEqual(['I1', 'I1', 'I2', 'I2']); // each merge and its task commit
  });

  it('shows the same in status --workstream execution --json', () => {
    const tasks = statusTasks(repo);
    expect(tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([
      ['F', 'failed', 2],
      ['G', 'blocked', 0],
      ['H', 'blocked', 0],
      ['I1', 'merged', 1],
      ['I2', 'merged', 1],
    ]);
    expect(taskOf(tasks, 'G').reason).toMatch(/\bblocked by F\b/);
    expect(taskOf(tasks, 'H').reason).toMatch(/\bblocked by F\b/);
    expect(taskOf(tasks, 'F').reason).toMatch(/attempt 2 failed/);
  });

  it("keeps each failed attempt's files on a ref of its own, and none of them on the base", () => {
    for (const r of taskRuns(repo, 'F')) {
      const kept = git(repo, 'ls-tree', '-r', '--name-only', `refs/phaserunner/attempts/${r.run_id}`);
      expect(kept.split('\n')).toContain('src/F.js');
    }
    expect(onMain(repo, 'src/F.js', 'test/F.test.js')).toBe('');
    expect(mergedTasks(repo)).not.toContain('F');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('audits clean here and on a fresh clone', () => {
    const here = cli(repo, ['audit']);
    expect(here.code, here.stdout + here.stderr).toBe(0);
    const clone = auditClone(repo);
    expect(clone.findings).toEqual([]);
    expect(clone.code).toBe(0);
    expect(clone.tasks.map((t) => [t.id, t.merged])).toEqual([
      ['F', false],
      ['G', false],
      ['H', false],
      ['I1', true],
      ['I2', true],
    ]);
  });
});

describe('a task that writes outside its writes', () => {
  let repo: string;
  let run: ExecutionRun;

  beforeAll(() => {
    repo = copyOf(planned);
    withPlan(repo, OUTSIDE);
    run = runExecution(repo);
  }, 60_000);

  it('fails the attempt naming the file, for good with one attempt: exit 1', () => {
    expect(run.code, run.stderr).toBe(1);
    const o = taskOf(run.tasks, 'O');
    expect(o.state).toBe('failed');
    expect(o.attempts).toBe(1);
    expect(o.reason).toContain('outside/O.txt');
    const [attempt, ...more] = taskRuns(repo, 'O');
    expect(more).toEqual([]);
    expect(attempt?.step).toBe('failed');
    expect(attempt?.failure).toContain('outside/O.txt');
    const failed = run.events.find((e) => e.type === 'task-failed' && e.task === 'O');
    expect(failed?.['forGood']).toBe(true);
  });

  it('puts nothing of it on the base, and merges the independent task', () => {
    expect(onMain(repo, 'outside', 'src/O.js', 'test/O.test.js')).toBe('');
    expect(mergedTasks(repo)).not.toContain('O');
    expect(taskOf(run.tasks, 'P').state).toBe('merged');
    expect(onMain(repo, 'src/P.js')).toBe('src/P.js');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('audits clean on a fresh clone', () => {
    const clone = auditClone(repo);
    expect(clone.findings).toEqual([]);
    expect(clone.code).toBe(0);
  });
});
