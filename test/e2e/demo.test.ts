// `phaserunner demo`: the README's first command. Planning phases 1-4, then execution of the
// plan: every task merged, task agents at work at the same time, the test suite green on the
// base, the history audited clean. What the demo says is checked here from the repository it
// leaves (the store, git, the suite run again), not taken from its output.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, json, type CliResult } from '../helpers/cli.js';
import { git, tempDir, trailersOf } from '../helpers/git.js';
import { readStore } from '../helpers/store.js';

const TASKS = ['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-006'];

interface TaskRun {
  step_id: string;
  dispatched_at: string;
  finished_at: string | null;
}

let dir: string;
let result: CliResult;

beforeAll(() => {
  dir = join(tempDir(), 'shelf');
  result = cli(tempDir(), ['demo', '--dir', dir, '--delay', '20']);
  expect(result.code, `${result.stderr}\n${result.stdout.slice(-4000)}`).toBe(0);
}, 180_000);

describe('demo', () => {
  it('creates a repository at --dir and drives phases 1-4 to four merges, printing each step', () => {
    for (const step of ['gate phase-1 passed', 'dispatched attempt 1', 'agent exited 0', 'committed', 'merged into main', 'done']) {
      expect(result.stdout).toContain(step);
    }
    expect(result.stdout).toMatch(/4\s+task-planning\s+planner\s+done/);
    // The shipped config has phase 4 approved: the demo shows the command and plays the human.
    expect(result.stdout).toContain('phaserunner approve 4 --by "Demo Reviewer"');
    const phase4 = git(dir, 'log', '--first-parent', '--format=%H', '--grep=^Phase: 4$', 'main').split('\n')[0] ?? '';
    const trailers = trailersOf(dir, phase4);
    expect(trailers).toMatchObject({ Phase: '4', Agent: 'scripted', 'Approved-By': 'Demo Reviewer' });
    expect(trailers['Approved-Digest']).toBe(trailers['Artifacts-Digest']);
  });

  it('goes on to execute the plan and ends with every task merged, as status --workstream execution says', () => {
    expect(result.stdout).toContain('phaserunner run --workstream execution --wait');
    for (const task of TASKS) expect(result.stdout).toMatch(new RegExp(`${task}: merged into main as [0-9a-f]{12}`));
    const view = json<{ complete: boolean; tasks: { id: string; state: string; merge: string | null }[] }>(cli(dir, ['status', '--workstream', 'execution', '--json']));
    expect(view.complete).toBe(true);
    expect(view.tasks.map((t) => [t.id, t.state])).toEqual(TASKS.map((id) => [id, 'merged']));
    for (const task of view.tasks) expect(() => git(dir, 'merge-base', '--is-ancestor', task.merge ?? '', 'main'), task.id).not.toThrow();
    // Four phase merges and six task merges, nothing else.
    expect(git(dir, 'rev-list', '--merges', '--count', 'main')).toBe('10');
  });

  it('ran at least two task agents at the same time, and says which', () => {
    const runs = readStore<TaskRun>(dir, "SELECT step_id, dispatched_at, finished_at FROM runs WHERE workstream = 'execution'");
    const spans = runs.map((r) => ({ id: r.step_id, from: Date.parse(r.dispatched_at), to: Date.parse(r.finished_at ?? r.dispatched_at) }));
    const overlapped = spans.some((a) => spans.some((b) => a.id !== b.id && a.from < b.to && b.from < a.to));
    expect(overlapped).toBe(true);
    expect(result.stdout).toMatch(/✓ in parallel: T-\d{3}(, T-\d{3})* and T-\d{3} \([2-9] agents at once; concurrency 3\)/);
  });

  it("leaves the base green: the project's test suite passes on a fresh checkout of main's tip, as the demo said", () => {
    const check = join(tempDir(), 'main');
    git(dir, 'worktree', 'add', '--quiet', '--detach', check, 'main');
    try {
      const output = execFileSync('node', ['--test'], { cwd: check, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });
      // Real tests ran: one module and its tests per task.
      expect(Number(/^(?:#|ℹ) pass (\d+)/m.exec(output)?.[1])).toBeGreaterThanOrEqual(2 * TASKS.length);
    } finally {
      git(dir, 'worktree', 'remove', '--force', check);
    }
    expect(result.stdout).toMatch(/✓ test suite on main \([0-9a-f]{12}\): `node --test` passed, \d+ tests/);
    expect(result.stdout).toMatch(/✓ 6 of 6 tasks merged into main/);
  });

  it('prints where to look further, and leaves a clean checkout that audits clean', () => {
    for (const command of [`phaserunner -C ${dir} status --workstream execution`, `git -C ${dir} log --oneline --graph`, `phaserunner -C ${dir} audit`]) {
      expect(result.stdout).toContain(command);
    }
    expect(git(dir, 'status', '--porcelain')).toBe('');
    expect(git(dir, 'worktree', 'list', '--porcelain').split('\n').filter((l) => l.startsWith('worktree '))).toHaveLength(1);
    const audit = cli(dir, ['audit']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  });

  it('prints one JSON document with --json: planning, execution and what the demo verified', () => {
    const other = join(tempDir(), 'shelf');
    const run = cli(tempDir(), ['demo', '--dir', other, '--delay', '0', '--json']);
    expect(run.code, run.stderr).toBe(0);
    const doc = JSON.parse(run.stdout) as {
      type: string;
      exit_code: number;
      dir: string;
      status: { complete: boolean };
      events: { type: string }[];
      execution: { exit_code: number; status: { workstream: string; complete: boolean }; events: { type: string; task?: string }[] };
      verification: { ok: boolean; merges: { task: string; state: string }[]; parallel: { most: number }; suite: { ok: boolean; tip: string } };
    };
    expect(doc).toMatchObject({ type: 'result', exit_code: 0, dir: other, status: { complete: true } });
    expect(doc.events.filter((e) => e.type === 'merged')).toHaveLength(4);
    expect(doc.execution).toMatchObject({ exit_code: 0, status: { workstream: 'execution', complete: true } });
    expect(doc.execution.events.filter((e) => e.type === 'task-merged').map((e) => e.task).sort()).toEqual(TASKS);
    expect(doc.execution.events.some((e) => e.type === 'task-progress')).toBe(false);
    expect(doc.verification).toMatchObject({ ok: true, suite: { ok: true, tip: git(other, 'rev-parse', 'main') } });
    expect(doc.verification.merges.every((m) => m.state === 'merged')).toBe(true);
    expect(doc.verification.parallel.most).toBeGreaterThanOrEqual(2);
  }, 180_000);

  it('refuses a directory that is not empty', () => {
    const parent = tempDir();
    mkdirSync(join(parent, 'x'));
    writeFileSync(join(parent, 'x', 'keep.txt'), 'mine\n');
    const refused = cli(parent, ['demo', '--dir', join(parent, 'x')]);
    expect(refused.code).toBe(64);
    expect(refused.stderr).toContain('is not an empty directory; the demo needs a new or empty one.');
  });
});
