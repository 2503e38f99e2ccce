// `run --workstream execution` end to end (issue 17): planning run to the end with the
// scripted agent, whose plan is a store task (T-001) and five component tasks that depend
// on it and write different files; then execution with the real CLI. Every task is merged
// through the merge queue, agents work at the same time, every merge has its dependencies'
// merges as ancestors, every first-parent commit the base got passes the integration checks,
// and the audit is clean, on this repository and on a fresh clone without the store.
import { execFileSync } from 'node:child_process';
import { existsSync, readdirSync, realpathSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, tempDir } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import { testEnv } from '../helpers/env.js';
import { worktreesDir } from '../../src/paths.js';
import type { TaskStatus } from '../helpers/execution-run.js';

interface Result {
  type: string;
  exit_code: number;
  status: { workstream: string; complete: boolean; tasks: TaskStatus[] };
}

interface TaskRun {
  step_id: string;
  attempt: number;
  dispatched_at: string;
  finished_at: string | null;
  step: string;
}

const INTEGRATION = { argv: ['node', '--test'], timeout_seconds: 300 };

let repo: string;
let started: string; // main's tip when execution started
let result: Result;
let events: { type: string; task?: string }[];

beforeAll(() => {
  repo = scriptedRepo({}, { execution: { concurrency: 3, integration_checks: [INTEGRATION] } });
  const planned = cli(repo, ['run', '--wait']);
  expect(planned.code, planned.stderr).toBe(0);
  started = git(repo, 'rev-parse', 'main');
  const ran = cli(repo, ['run', '--workstream', 'execution', '--wait', '--json']);
  const lines = ran.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; task?: string });
  events = lines;
  result = lines.at(-1) as unknown as Result;
  expect(ran.code, `${ran.stderr}\n${ran.stdout.slice(-4000)}`).toBe(0);
}, 600_000);

describe('run --workstream execution --wait', () => {
  it('merges every task of the plan, and says so', () => {
    expect(result.type).toBe('result');
    expect(result.status.workstream).toBe('execution');
    expect(result.status.complete).toBe(true);
    expect(result.status.tasks.map((t) => t.id)).toEqual(['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-006']);
    for (const task of result.status.tasks) {
      expect(task.state, task.id).toBe('merged');
      expect(task.merge).toMatch(/^[0-9a-f]{40}$/);
    }
    expect(events.filter((e) => e.type === 'task-merged').map((e) => e.task).sort()).toEqual(['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-006']);
  });

  it('runs independent tasks at the same time, never more than the concurrency', () => {
    const runs = readStore<TaskRun>(repo, "SELECT step_id, attempt, dispatched_at, finished_at, step FROM runs WHERE workstream = 'execution'");
    const spans = runs.map((r) => ({ id: r.step_id, from: Date.parse(r.dispatched_at), to: Date.parse(r.finished_at ?? r.dispatched_at) }));
    const overlapping = (at: number): number => spans.filter((s) => s.from <= at && at < s.to).length;
    const most = Math.max(...spans.map((s) => overlapping(s.from)));
    expect(most).toBeGreaterThanOrEqual(2);
    expect(most).toBeLessThanOrEqual(3);
    // T-001 is the store every other task builds on: none was dispatched before it was merged
    // (in the order the runner recorded its transitions, which one process writes).
    const order = readStore<{ id: number; step_id: string; to_state: string }>(repo, "SELECT id, step_id, to_state FROM transitions WHERE workstream = 'execution' ORDER BY id");
    const t1Merged = order.find((t) => t.step_id === 'T-001' && t.to_state === 'merged')?.id ?? Infinity;
    const othersDispatched = order.filter((t) => t.step_id !== 'T-001' && t.to_state === 'running');
    expect(othersDispatched).toHaveLength(5);
    for (const t of othersDispatched) expect(t.id, t.step_id).toBeGreaterThan(t1Merged);
  });

  it("puts every dependency's merge in each task's merge history, and each task commit on the base it started from", () => {
    const merges = new Map(result.status.tasks.map((t) => [t.id, t.merge ?? '']));
    for (const task of result.status.tasks) {
      for (const dep of task.depends_on) {
        expect(() => git(repo, 'merge-base', '--is-ancestor', merges.get(dep) ?? '', task.merge ?? ''), `${dep} in ${task.id}`).not.toThrow();
      }
      const parents = git(repo, 'rev-list', '--parents', '-n', '1', task.merge ?? '').split(' ');
      expect(parents, task.id).toHaveLength(3);
      expect(git(repo, 'log', '-1', '--format=%s', task.merge ?? '')).toMatch(new RegExp(`^execution: merge ${task.id} `));
      expect(git(repo, 'log', '-1', '--format=%(trailers:key=Task,valueonly)', task.merge ?? '').trim()).toBe(task.id);
    }
  });

  it('gives the base only tested trees: the integration checks pass at every first-parent commit', () => {
    const commits = git(repo, 'rev-list', '--first-parent', `${started}..main`).split('\n').filter((c) => c !== '');
    expect(commits).toHaveLength(6);
    for (const commit of commits) {
      const dir = join(tempDir(), commit.slice(0, 12));
      git(repo, 'worktree', 'add', '--quiet', '--detach', dir, commit);
      try {
        execFileSync(INTEGRATION.argv[0] ?? 'node', INTEGRATION.argv.slice(1), { cwd: dir, stdio: 'pipe' });
      } finally {
        git(repo, 'worktree', 'remove', '--force', dir);
      }
    }
  });

  it('leaves no task worktree or branch behind, and the user checkout untouched', () => {
    expect(git(repo, 'worktree', 'list', '--porcelain')).not.toMatch(/execution-T-/);
    // Nor their files: merged tasks' checkouts go to the trash, emptied before the run ends.
    // The CLI runs with the tests' HOME (its worktrees under HOME/.local/state), not this process's.
    const state = join(testEnv().HOME ?? '', '.local', 'state');
    const worktrees = worktreesDir(realpathSync(resolve(repo, git(repo, 'rev-parse', '--git-common-dir'))), { XDG_STATE_HOME: state });
    expect(readdirSync(worktrees).filter((name) => name.startsWith('execution-T-'))).toEqual([]);
    expect(existsSync(join(worktrees, '.trash')) ? readdirSync(join(worktrees, '.trash')) : []).toEqual([]);
    expect(git(repo, 'branch', '--list', 'phaserunner/execution/*')).toBe('');
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('shows every task in status --workstream execution, as a table and as JSON', () => {
    const table = cli(repo, ['status', '--workstream', 'execution']);
    expect(table.code, table.stderr).toBe(0);
    for (const line of table.stdout.split('\n')) expect(line.length).toBeLessThanOrEqual(80);
    expect(table.stdout).toMatch(/T-006\s+merged/);
    const view = json<{ workstream: string; tasks: TaskStatus[] }>(cli(repo, ['status', '--workstream', 'execution', '--json']));
    expect(view.workstream).toBe('execution');
    expect(view.tasks.every((t) => t.state === 'merged' && t.attempts === 1)).toBe(true);
  });

  it('runs nothing again on a fresh clone: the merges in git are the record', () => {
    const clone = join(tempDir(), 'rerun');
    git(tempDir(), 'clone', '--quiet', repo, clone);
    const again = cli(clone, ['run', '--workstream', 'execution', '--wait', '--json']);
    expect(again.code, again.stderr).toBe(0);
    const lines = again.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as { type: string; tasks?: string[] });
    expect(lines.filter((e) => e.type === 'task-dispatched')).toEqual([]);
    expect(lines.find((e) => e.type === 'task-restored')?.tasks).toEqual(['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-006']);
    expect(git(clone, 'rev-parse', 'main')).toBe(git(repo, 'rev-parse', 'main'));
  });

  it('audits clean here and on a fresh clone without the store', () => {
    const here = cli(repo, ['audit']);
    expect(here.code, here.stdout + here.stderr).toBe(0);
    const clone = join(tempDir(), 'clone');
    git(tempDir(), 'clone', '--quiet', repo, clone);
    const there = cli(clone, ['audit', '--json']);
    expect(there.code, there.stdout).toBe(0);
    const report = json<{ tasks: { id: string; merged: boolean }[] }>(there);
    expect(report.tasks.filter((t) => t.merged).map((t) => t.id).sort()).toEqual(['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-006']);
  });
});
