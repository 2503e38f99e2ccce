// The scripted agent implements tasks (execution workstream): run as its own process in a real
// git checkout holding the plan, its files make the task's checks pass when they are really
// run, it writes only inside the task's `writes`, and it writes the same bytes every time.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git } from '../helpers/git.js';
import {
  changedPaths,
  checkoutWithPlan,
  cloneOf,
  commitAll,
  outsideWrites,
  plannedCheckout,
  runAgent,
  runChecks,
  runCommand,
  taskOf,
  tasksOf,
} from './scripted-task-harness.js';

/** Every file a checkout has at HEAD plus its changes, with its bytes. */
function filesOf(dir: string, paths: readonly string[]): Record<string, string> {
  return Object.fromEntries(paths.map((p) => [p, readFileSync(join(dir, p), 'utf8')]));
}

describe('the scripted agent implementing a task', () => {
  it("implements the demo plan task by task, in dependency order: each task's checks really pass, with at least two tests, and it writes only inside the task's writes", () => {
    const dir = plannedCheckout();
    const tasks = tasksOf(dir);
    expect(tasks.map((t) => t.id)).toEqual(['T-001', 'T-002', 'T-003', 'T-004', 'T-005', 'T-006']);
    for (const task of tasks) {
      // Its dependencies are merged in the checkout it starts from, as the runner makes it.
      for (const dep of task.depends_on) expect(git(dir, 'log', '--format=%s')).toContain(`Task ${dep}`);
      const result = runAgent(dir, task.id);
      expect(result.status, result.stderr).toBe(0);
      const changed = changedPaths(dir);
      expect(changed).toEqual([...task.writes].sort());
      expect(outsideWrites(task, changed)).toEqual([]);
      const checks = runChecks(dir, task);
      expect(checks).toHaveLength(1);
      for (const check of checks) {
        expect(check.status, check.output).toBe(0);
        expect(check.failed).toBe(0);
        expect(check.passed).toBeGreaterThanOrEqual(2);
      }
      commitAll(dir, `Task ${task.id}`);
    }
    // The base after every task: the project's whole test suite is green, through package.json's script.
    const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { type: string; scripts: { test: string } };
    expect(pkg).toMatchObject({ type: 'module', scripts: { test: 'node --test' } });
    const suite = runCommand(dir, ['node', '--test']);
    expect(suite.status, suite.output).toBe(0);
    expect(suite.passed).toBeGreaterThanOrEqual(tasks.length * 2);
  });

  it("makes the plan's dependencies real: a component's checks fail until the store task is merged, and pass after", () => {
    const dir = plannedCheckout();
    const search = taskOf(dir, 'T-003');
    expect(search.depends_on).toEqual(['T-001']);
    expect(runAgent(dir, 'T-003').status).toBe(0);
    expect(readFileSync(join(dir, 'src/search-bookmarks-words.js'), 'utf8')).toContain("from './store.js'");
    const [alone] = runChecks(dir, search);
    expect(alone?.status).not.toBe(0);
    expect(alone?.output).toContain('src/store.js');
    expect(runAgent(dir, 'T-001').status).toBe(0);
    const [merged] = runChecks(dir, search);
    expect(merged?.status, merged?.output).toBe(0);
  });

  it('writes the same bytes for the same task, in two checkouts of the same base', () => {
    const a = plannedCheckout();
    const b = cloneOf(a);
    for (const task of tasksOf(a)) {
      expect(runAgent(a, task.id).status).toBe(0);
      expect(runAgent(b, task.id).status).toBe(0);
    }
    const written = changedPaths(a);
    expect(changedPaths(b)).toEqual(written);
    expect(filesOf(b, written)).toEqual(filesOf(a, written));
  });

  it("implements the plan it writes for another intent too: each component module builds on the store, and every check passes", () => {
    const intent = '# Ledger\n\n## Purpose\n\nLedger keeps the accounts of a small club.\n\n## Goals\n\n- Record payments with who paid and when.\n- Report the balance of each member.\n';
    const dir = plannedCheckout(intent);
    const tasks = tasksOf(dir);
    expect(tasks.length).toBeGreaterThanOrEqual(3);
    for (const task of tasks) {
      expect(runAgent(dir, task.id).status).toBe(0);
      expect(outsideWrites(task, changedPaths(dir))).toEqual([]);
      for (const check of runChecks(dir, task)) {
        expect(check.status, check.output).toBe(0);
        expect(check.passed).toBeGreaterThanOrEqual(2);
      }
      commitAll(dir, `Task ${task.id}`);
    }
    const component = tasks[1];
    expect(readFileSync(join(dir, component?.writes[0] ?? ''), 'utf8')).toContain("from './store.js'");
  });

  it("falls back to a generic implementation for a plan it does not know: a module named after the task, a node:test file testing it, other files as text, all inside writes, and the checks pass", () => {
    const plan = {
      version: 2,
      tasks: [
        { id: 'T-001', title: 'Parse the input file', description: 'Parse it.', depends_on: [], writes: ['src/parse.js', 'test/parse.test.js', 'docs/parse.md'], checks: [{ argv: ['node', '--test', 'test/parse.test.js'], timeout_seconds: 60 }] },
        { id: 'T-002', title: '2nd: report', depends_on: ['T-001'], writes: ['lib/deep/report.mjs', 'lib/deep/report.test.mjs', 'config/report.json'], checks: [{ argv: ['node', '--test', 'lib/deep/report.test.mjs'], timeout_seconds: 60 }] },
        { id: 'T-003', title: 'Only a test', depends_on: [], writes: ['test/only.test.js'], checks: [{ argv: ['node', '--test', 'test/only.test.js'], timeout_seconds: 60 }] },
        { id: 'T-004', title: 'Notes anywhere', depends_on: [], writes: ['notes/**/*.md'], checks: [{ argv: ['git', 'status'], timeout_seconds: 60 }] },
      ],
    };
    const dir = checkoutWithPlan(plan);
    for (const task of tasksOf(dir)) {
      const result = runAgent(dir, task.id);
      expect(result.status, result.stderr).toBe(0);
      const changed = changedPaths(dir);
      expect(changed.length).toBeGreaterThan(0);
      expect(outsideWrites(task, changed)).toEqual([]);
      for (const check of runChecks(dir, task)) {
        expect(check.status, check.output).toBe(0);
        if (check.argv.includes('--test')) expect(check.passed).toBeGreaterThanOrEqual(2);
      }
      commitAll(dir, `Task ${task.id}`);
    }
    expect(readFileSync(join(dir, 'src/parse.js'), 'utf8')).toContain('export function parseTheInputFile(input)');
    expect(readFileSync(join(dir, 'lib/deep/report.mjs'), 'utf8')).toContain('export function task2ndReport(input)');
    expect(readFileSync(join(dir, 'lib/deep/report.test.mjs'), 'utf8')).toContain('from "./report.mjs"');
    expect(JSON.parse(readFileSync(join(dir, 'config/report.json'), 'utf8'))).toEqual({ task: 'T-002', title: '2nd: report' });
    expect(readFileSync(join(dir, 'docs/parse.md'), 'utf8')).toContain('T-001: Parse the input file');
    expect(git(dir, 'ls-files', 'notes')).toBe('notes/t-004.md');
  });

  it('refuses, naming what is wrong, to run without a task, for a task the plan lacks, or with a behavior that is for phases', () => {
    const dir = plannedCheckout();
    const noTask = runAgent(dir, '');
    expect(noTask.status).toBe(64);
    expect(noTask.stderr).toContain('PHASERUNNER_TASK');
    const unknown = runAgent(dir, 'T-099');
    expect(unknown.status).toBe(65);
    expect(unknown.stderr).toContain('planning/tasks.json has no task "T-099" (it has: T-001, T-002');
    const phaseOnly = runAgent(dir, 'T-001', 'plan-v1');
    expect(phaseOnly.status).toBe(64);
    expect(phaseOnly.stderr).toContain('behavior "plan-v1" is for planning phases');
    const noPlan = runAgent(checkoutWithPlan({ version: 2 }), 'T-001');
    expect(noPlan.status).toBe(65);
    expect(noPlan.stderr).toContain('planning/tasks.json has no "tasks" array');
    // Nothing was written by any of them.
    expect(changedPaths(dir)).toEqual([]);
  });
});
