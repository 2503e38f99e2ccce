// Tasks are addressed by id wherever a phase number is accepted (issue 17): `retry T-003`,
// `approve T-002`, `reject T-002`, `show T-003`, `log --workstream execution`, with the real
// CLI and the scripted agent. Planning verbs keep their numbers; a bad <phase> is refused.
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';

interface TaskStatus {
  id: string;
  state: string;
  attempts: number;
  attempts_left: number;
  reason: string | null;
  merge: string | null;
}

function tasks(repo: string): Map<string, TaskStatus> {
  const view = json<{ tasks: TaskStatus[] }>(cli(repo, ['status', '--workstream', 'execution', '--json']));
  return new Map(view.tasks.map((t) => [t.id, t]));
}

function planned(behaviors: Record<string, string | string[]>, execution: Record<string, unknown>, extra: Record<string, unknown> = {}): string {
  const repo = scriptedRepo(behaviors, { execution, ...extra });
  const ran = cli(repo, ['run', '--wait']);
  expect(ran.code, ran.stderr).toBe(0);
  return repo;
}

describe('retry T-003', () => {
  let repo: string;
  beforeAll(() => {
    // T-003 fails its first attempt, and has one: failed for good, the rest goes on.
    repo = planned({ 'T-003': ['fail', 'ok'] }, { concurrency: 2 }, { max_attempts: 1 });
  }, 120_000);

  it('leaves a task failed for good until a person retries it; then it runs again and merges', () => {
    const first = cli(repo, ['run', '--workstream', 'execution', '--wait']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stdout).toMatch(/T-003: attempt 1 of 1 FAILED: .*failed on purpose/);
    let now = tasks(repo);
    expect(now.get('T-003')).toMatchObject({ state: 'failed', attempts: 1, attempts_left: 0 });
    for (const id of ['T-001', 'T-002', 'T-004', 'T-005', 'T-006']) expect(now.get(id)?.state, `${id}: ${now.get(id)?.reason ?? ''}`).toBe('merged');

    const shown = json<{ task: string; state: string; runs: { attempt: number; step: string }[]; run: { failure: string } }>(cli(repo, ['show', 'T-003', '--json']));
    expect(shown).toMatchObject({ task: 'T-003', state: 'failed', runs: [{ attempt: 1, step: 'failed' }] });
    expect(shown.run.failure).toMatch(/exited with code 1/);

    const again = cli(repo, ['retry', 'T-003', '--wait']);
    expect(again.code, again.stderr).toBe(0);
    now = tasks(repo);
    expect(now.get('T-003')).toMatchObject({ state: 'merged', attempts: 2 });
    // Its first attempt's prompt was not its second's: the second is told why the first failed.
    const prompt = cli(repo, ['show', 'T-003', '--prompt']).stdout;
    expect(prompt).toMatch(/^# Task T-003: /);
    expect(prompt).toContain('failed on purpose');

    const log = json<{ entries: { task: string; attempt: number; earlier_attempts: { attempt: number; outcome: string }[] }[] }>(cli(repo, ['log', '--workstream', 'execution', '--json']));
    expect(log.entries.map((e) => e.task)).toHaveLength(6);
    expect(log.entries.find((e) => e.task === 'T-003')).toMatchObject({ attempt: 2, earlier_attempts: [{ attempt: 1, outcome: 'failed' }] });
    expect(cli(repo, ['audit']).code).toBe(0);
  });

  it('refuses what cannot be retried, and names what can be addressed', () => {
    const merged = cli(repo, ['retry', 'T-001']);
    expect(merged.code).toBe(64);
    expect(merged.stderr).toContain('task T-001 is merged; only a failed or conflicted task can be retried.');
    const unknown = cli(repo, ['retry', 'T-999']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('there is no task "T-999" in the plan; the tasks are T-001, T-002, T-003, T-004, T-005, T-006.');
    const bad = cli(repo, ['show', 'a/b']);
    expect(bad.code).toBe(64);
    expect(bad.stderr).toContain('<phase> must be a number, such as 2, or a task id, such as T-003');
    const replan = cli(repo, ['replan', 'T-001', '--reason', 'x']);
    expect(replan.code).toBe(64);
    expect(replan.stderr).toContain('<phase> must be a number, such as 2.');
    const watch = cli(repo, ['status', '--workstream', 'execution', '--watch']);
    expect(watch.code).toBe(64);
    expect(watch.stderr).toContain('--watch follows planning');
    // Planning's verbs are unchanged: a phase by its number.
    expect(cli(repo, ['show', '2', '--json']).code).toBe(0);
  });
});

describe('approve and reject T-002', () => {
  let repo: string;
  beforeAll(() => {
    repo = planned({}, { concurrency: 2, approvals: ['T-002'] });
  }, 120_000);

  it('waits for a person, sends the work back on reject, and merges it with the approval on approve', () => {
    const first = cli(repo, ['run', '--workstream', 'execution', '--wait']);
    expect(first.code, first.stderr).toBe(2);
    expect(tasks(repo).get('T-002')?.state).toBe('awaiting_approval');

    const early = cli(repo, ['approve', 'T-003', '--by', 'Ada']);
    expect(early.code).toBe(64);
    expect(early.stderr).toContain('task T-003 is merged, not awaiting approval');

    const rejected = cli(repo, ['reject', 'T-002', '--by', 'Ada', '--reason', 'Name the module after the component.', '--wait']);
    expect(rejected.code, rejected.stderr).toBe(2);
    const afterReject = tasks(repo).get('T-002');
    expect(afterReject).toMatchObject({ state: 'awaiting_approval', attempts: 2 });
    expect(cli(repo, ['show', 'T-002', '--prompt']).stdout).toContain('Name the module after the component.');

    const approved = cli(repo, ['approve', 'T-002', '--by', 'Ada', '--wait']);
    expect(approved.code, approved.stderr).toBe(0);
    const merge = tasks(repo).get('T-002')?.merge ?? '';
    expect(git(repo, 'log', '-1', '--format=%(trailers:key=Approved-By,valueonly)', merge).trim()).toBe('Ada');
    expect(git(repo, 'log', '-1', '--format=%(trailers:key=Attempt,valueonly)', merge).trim()).toBe('2');
    const audit = cli(repo, ['audit']);
    expect(audit.code, audit.stdout).toBe(0);
  });
});
