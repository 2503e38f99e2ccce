// The merge queue end to end (issue 17), with the real CLI, real git and the scripted agent.
// A textual conflict with the base (a human changed a file the task writes, while the task's
// checks ran) goes back to the task's agent as a resolution attempt, with the conflicting path
// and both sides in its prompt, and then merges. Two tasks each green alone that break the
// integration checks together: the second does not land, is retried from the new base and
// lands green, and the integration checks pass at every commit the base got. The audit is
// clean after both, on a fresh clone.
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cliAsync } from '../helpers/cli.js';
import {
  INTEGRATION,
  auditClone,
  checkAt,
  copyOf,
  execTask,
  firstParentsSince,
  parseRun,
  plannedRepo,
  storeStates,
  taskOf,
  taskRuns,
  withPlan,
  type ExecutionRun,
} from '../helpers/execution-run.js';
import { commitFile, git, tempDir } from '../helpers/git.js';
import { until } from '../helpers/setup.js';

const SHARED = 'shared/CONFLICT.txt';
const HUMAN = 'Written on main by a human while the task was checked.\n';

let planned: string;

beforeAll(() => {
  planned = plannedRepo({ X: 'conflict', P: 'integration-break', Q: 'integration-break' }, { execution: { concurrency: 2, integration_checks: [INTEGRATION] } });
}, 60_000);

/** A file whose existence lets the tasks' gated checks finish. */
function gateFile(): { path: string; open: () => void } {
  const path = join(tempDir(), 'checks-may-finish');
  return { path, open: () => { writeFileSync(path, ''); } };
}

describe('a textual conflict with the base', () => {
  let repo: string;
  let started: string;
  let human: string;
  let run: ExecutionRun;

  beforeAll(async () => {
    repo = copyOf(planned);
    const gate = gateFile();
    // X writes its module, its test and the shared file; its check waits for the test.
    started = withPlan(repo, { version: 2, tasks: [execTask('X', { writes: ['src/X.js', 'test/X.test.js', SHARED], gate: gate.path })] });
    const running = cliAsync(repo, ['run', '--workstream', 'execution', '--wait', '--json']);
    try {
      await until(() => storeStates(repo)['X'] === 'verifying', 30_000, 'X verifying');
      // Its agent has ended: the base changes the file it wrote, as a person working on main does.
      human = commitFile(repo, SHARED, HUMAN, 'A human edits the shared file');
    } finally {
      gate.open();
    }
    run = parseRun(await running.done);
  }, 60_000);

  it('merges the task with its second attempt, a resolution attempt from the new base', () => {
    expect(run.code, run.stderr).toBe(0);
    const x = taskOf(run.tasks, 'X');
    expect([x.state, x.attempts]).toEqual(['merged', 2]);
    const [first, second] = taskRuns(repo, 'X');
    expect(first?.step).toBe('failed');
    expect(first?.failure).toMatch(/conflicts at shared\/CONFLICT\.txt; a resolution attempt follows/);
    expect(second?.step).toBe('merged');
    expect(second?.base_sha).toBe(human);
    const dispatched = run.events.filter((e) => e.type === 'task-dispatched' && e.task === 'X').map((e) => e['resolution']);
    expect(dispatched).toEqual([false, true]);
  });

  it("gives the resolution attempt's prompt the conflicting path and both sides", () => {
    const [first, second] = taskRuns(repo, 'X');
    const prompt = readFileSync(join(second?.run_dir ?? '', 'prompt.md'), 'utf8');
    expect(prompt).toContain('## Resolve the conflict with main');
    expect(prompt).toContain(`### ${SHARED}`);
    expect(prompt).toContain(HUMAN.trim()); // ours: the base's side
    expect(prompt).toContain('Written by X (Build part X).'); // theirs: the first attempt's
    expect(prompt).toContain((first?.commit_sha ?? 'no commit').slice(0, 12));
  });

  it("lands the file with both sides, the human's change kept", () => {
    expect(git(repo, 'show', `main:${SHARED}`)).toBe(`${HUMAN}Written by X (Build part X).\nscripted agent behavior "conflict"`);
    expect(firstParentsSince(repo, started)).toEqual([human, taskOf(run.tasks, 'X').merge]);
    // The conflicting attempt's commit is kept, off the base.
    const [first] = taskRuns(repo, 'X');
    expect(() => git(repo, 'merge-base', '--is-ancestor', first?.commit_sha ?? '', 'main')).toThrow();
    expect(git(repo, 'rev-parse', `refs/phaserunner/attempts/${first?.run_id ?? ''}`)).toBe(first?.commit_sha);
  });

  it('audits clean on a fresh clone', () => {
    const clone = auditClone(repo);
    expect(clone.findings).toEqual([]);
    expect(clone.code).toBe(0);
    expect(clone.tasks).toEqual([expect.objectContaining({ id: 'X', merged: true })]);
  });
});

describe('two tasks each green alone that break the integration checks together', () => {
  let repo: string;
  let started: string;
  let run: ExecutionRun;

  beforeAll(async () => {
    repo = copyOf(planned);
    const gate = gateFile();
    started = withPlan(repo, { version: 2, tasks: [execTask('P', { gate: gate.path }), execTask('Q', { gate: gate.path })] });
    const running = cliAsync(repo, ['run', '--workstream', 'execution', '--wait', '--json']);
    try {
      // Both agents have ended, each from the base without the other: each declared the entry point.
      await until(() => storeStates(repo)['P'] === 'verifying' && storeStates(repo)['Q'] === 'verifying', 30_000, 'P and Q verifying');
    } finally {
      gate.open();
    }
    run = parseRun(await running.done);
  }, 60_000);

  /** The task merged first, and the one that had to go again. */
  function order(): { first: string; second: string } {
    const merged = run.events.filter((e) => e.type === 'task-merged').map((e) => e.task ?? '');
    expect(merged).toHaveLength(2);
    return { first: merged[0] ?? '', second: merged[1] ?? '' };
  }

  it('lands both in the end, the second after a retry', () => {
    expect(run.code, run.stderr).toBe(0);
    const { first, second } = order();
    expect([first, second].sort()).toEqual(['P', 'Q']);
    expect(taskOf(run.tasks, first).attempts).toBe(1);
    expect(taskOf(run.tasks, second).attempts).toBe(2);
    expect(taskOf(run.tasks, second).state).toBe('merged');
  });

  it('does not land the second as it was: its merge with the first failed the integration checks', () => {
    const { second } = order();
    const [attempt1] = taskRuns(repo, second);
    expect(attempt1?.step).toBe('failed');
    expect(attempt1?.failure).toMatch(/^its merge with main \(at [0-9a-f]{12}\) failed .*It was not merged/s);
    expect(() => git(repo, 'merge-base', '--is-ancestor', attempt1?.commit_sha ?? '', 'main')).toThrow();
    // Both started from the same base: each was green alone.
    expect(attempt1?.base_sha).toBe(taskRuns(repo, order().first)[0]?.base_sha);
  });

  it('retries it from the new base, with the integration failure in its prompt', () => {
    const { first, second } = order();
    const [, attempt2] = taskRuns(repo, second);
    expect(attempt2?.base_sha).toBe(taskOf(run.tasks, first).merge);
    const prompt = readFileSync(join(attempt2?.run_dir ?? '', 'prompt.md'), 'utf8');
    expect(prompt).toContain('modules declaring the entry point');
  });

  it('passes the integration checks at every first-parent commit of the base since execution started', () => {
    const commits = firstParentsSince(repo, started);
    const { first, second } = order();
    expect(commits).toEqual([taskOf(run.tasks, first).merge, taskOf(run.tasks, second).merge]);
    for (const commit of commits) checkAt(repo, commit, INTEGRATION);
  });

  it('audits clean on a fresh clone', () => {
    const clone = auditClone(repo);
    expect(clone.findings).toEqual([]);
    expect(clone.code).toBe(0);
    expect(clone.tasks.map((t) => [t.id, t.merged])).toEqual([
      ['P', true],
      ['Q', true],
    ]);
  });
});
