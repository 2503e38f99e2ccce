// The scripted agent's task behaviours, each as the execution workstream's tests will use it:
// run as its own process in real git checkouts, its checks run for real.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { git, tempDir, writeFile } from '../helpers/git.js';
import {
  changedPaths,
  checkoutWithPlan,
  cloneOf,
  commitAll,
  exitOf,
  lineOf,
  outsideWrites,
  plannedCheckout,
  runAgent,
  runChecks,
  runCommand,
  runDir,
  startAgent,
  taskOf,
} from './scripted-task-harness.js';

/** Two independent tasks of a plan the agent did not write, both claiming `shared` paths too. */
function twoTaskPlan(shared: readonly string[] = []): unknown {
  const task = (id: string, name: string) => ({
    id,
    title: `Build ${name}`,
    depends_on: [],
    writes: [`src/${name}.js`, `test/${name}.test.js`, ...shared],
    checks: [{ argv: ['node', '--test', `test/${name}.test.js`], timeout_seconds: 60 }],
  });
  return { version: 2, tasks: [task('T-A', 'alpha'), task('T-B', 'beta')] };
}

describe("the scripted agent's task behaviours", () => {
  it("break-tests writes only inside the task's writes, code whose own checks fail", () => {
    const dir = plannedCheckout();
    const task = taskOf(dir, 'T-001');
    expect(runAgent(dir, 'T-001', 'break-tests').status).toBe(0);
    const changed = changedPaths(dir);
    expect(changed).toEqual([...task.writes].sort());
    const [check] = runChecks(dir, task);
    expect(check?.status).not.toBe(0);
    expect(check?.output).toContain('T-001 is broken on purpose');
  });

  it("outside writes the task's files and one file outside its writes", () => {
    const dir = plannedCheckout();
    const task = taskOf(dir, 'T-002');
    expect(runAgent(dir, 'T-002', 'outside').status).toBe(0);
    const changed = changedPaths(dir);
    expect(outsideWrites(task, changed)).toEqual(['outside/T-002.txt']);
    expect(changed.filter((p) => p !== 'outside/T-002.txt')).toEqual([...task.writes].sort());
  });

  it('fail exits 1 after writing half of the files, all inside writes; nothing exits 0 having written nothing', () => {
    const dir = plannedCheckout();
    const task = taskOf(dir, 'T-001');
    const failed = runAgent(dir, 'T-001', 'fail');
    expect(failed.status).toBe(1);
    expect(failed.stderr).toContain('task T-001 failed on purpose');
    const changed = changedPaths(dir);
    expect(changed).toHaveLength(Math.ceil(task.writes.length / 2));
    expect(outsideWrites(task, changed)).toEqual([]);

    const clean = plannedCheckout();
    expect(runAgent(clean, 'T-001', 'nothing').status).toBe(0);
    expect(changedPaths(clean)).toEqual([]);
  });

  it('wait-release does its work, then does not exit until <run dir>/release exists', async () => {
    const dir = plannedCheckout();
    const run = runDir();
    const agent = startAgent(dir, 'T-001', 'wait-release', run);
    const exited = exitOf(agent);
    expect(await lineOf(agent, 'waiting for release')).toContain(join(run, 'release'));
    // It has said it waits, and nothing has released it: it is still running, its files written.
    expect(agent.exitCode).toBeNull();
    expect(changedPaths(dir)).toEqual([...taskOf(dir, 'T-001').writes].sort());
    writeFile(run, 'release', '');
    expect(await exited).toBe(0);
  });

  it('wait-release lets a test choose the order parallel tasks finish in, one file per task id in $PHASERUNNER_TEST_RELEASE_DIR', async () => {
    const base = plannedCheckout();
    expect(runAgent(base, 'T-001').status).toBe(0);
    commitAll(base, 'Task T-001');
    const releases = tempDir('phaserunner-release-');
    const env = { PHASERUNNER_TEST_RELEASE_DIR: releases };
    const second = startAgent(cloneOf(base), 'T-002', 'wait-release', runDir(), env);
    const third = startAgent(cloneOf(base), 'T-003', 'wait-release', runDir(), env);
    const secondExit = exitOf(second);
    const thirdExit = exitOf(third);
    expect(await lineOf(second, 'waiting for release')).toContain(join(releases, 'T-002'));
    await lineOf(third, 'waiting for release');
    // T-003 is released first and ends first; T-002, not released, is still running after that.
    writeFile(releases, 'T-003', '');
    expect(await thirdExit).toBe(0);
    expect(second.exitCode).toBeNull();
    writeFile(releases, 'T-002', '');
    expect(await secondExit).toBe(0);
  });

  it('conflict writes shared/CONFLICT.txt with content of its own task: two such tasks from one base conflict in git, and a later ok attempt from the conflicted checkout resolves it keeping both sides', () => {
    const dir = checkoutWithPlan(twoTaskPlan(['shared/CONFLICT.txt']));
    const other = cloneOf(dir);
    expect(runAgent(dir, 'T-A', 'conflict').status).toBe(0);
    expect(runAgent(other, 'T-B', 'conflict').status).toBe(0);
    for (const [checkout, id] of [[dir, 'T-A'], [other, 'T-B']] as const) {
      const task = taskOf(checkout, id);
      expect(outsideWrites(task, changedPaths(checkout))).toEqual([]);
      expect(readFileSync(join(checkout, 'shared/CONFLICT.txt'), 'utf8')).toContain(`Written by ${id}`);
      expect(runChecks(checkout, task).map((c) => c.status)).toEqual([0]);
      commitAll(checkout, `Task ${id}`);
    }
    const a = git(dir, 'rev-parse', 'HEAD');
    const b = git(other, 'rev-parse', 'HEAD');
    const merged = runCommand(dir, ['git', 'merge-tree', '--write-tree', '--name-only', a, b]);
    expect(merged.status).toBe(1);
    expect(merged.output).toContain('CONFLICT (add/add): Merge conflict in shared/CONFLICT.txt');

    // A checkout of A's tip with B merged into it, conflict markers and all.
    const resolving = cloneOf(dir);
    expect(() => git(resolving, 'merge', '--no-edit', b)).toThrow();
    expect(readFileSync(join(resolving, 'shared/CONFLICT.txt'), 'utf8')).toMatch(/^<{7} /m);
    expect(runAgent(resolving, 'T-B', 'ok').status).toBe(0);
    const resolved = readFileSync(join(resolving, 'shared/CONFLICT.txt'), 'utf8');
    expect(resolved).not.toMatch(/^(<{7}|={7}|>{7})/m);
    expect(resolved).toContain('Written by T-A');
    expect(resolved).toContain('Written by T-B');
  });

  it("conflict in a resolution attempt's checkout (the base changed the file meanwhile) keeps the base's lines and adds its own after them, once; its merge with the conflicting attempt's base is clean", () => {
    const dir = checkoutWithPlan(twoTaskPlan(['shared/CONFLICT.txt']));
    const first = cloneOf(dir);
    // The first attempt, from a base without the file; meanwhile the base gets its own version.
    expect(runAgent(first, 'T-A', 'conflict').status).toBe(0);
    commitAll(first, 'Task T-A, attempt 1');
    writeFile(dir, 'shared/CONFLICT.txt', 'Written on the base by a human.\n');
    commitAll(dir, 'A human edits the shared file');
    const conflicting = runCommand(dir, ['git', 'merge-tree', '--write-tree', '--name-only', 'HEAD', git(first, 'rev-parse', 'HEAD')]);
    expect(conflicting.status).toBe(1);

    // The resolution attempt starts from the base as it is now.
    const resolving = cloneOf(dir);
    expect(runAgent(resolving, 'T-A', 'conflict').status).toBe(0);
    const resolved = readFileSync(join(resolving, 'shared/CONFLICT.txt'), 'utf8');
    expect(resolved).toBe('Written on the base by a human.\nWritten by T-A (Build alpha).\nscripted agent behavior "conflict"\n');
    expect(outsideWrites(taskOf(resolving, 'T-A'), changedPaths(resolving))).toEqual([]);
    commitAll(resolving, 'Task T-A, attempt 2');
    expect(runCommand(dir, ['git', 'merge-tree', '--write-tree', 'HEAD', git(resolving, 'rev-parse', 'HEAD')]).status).toBe(0);
    // Run again on its own result, it changes nothing: its lines are there once.
    expect(runAgent(resolving, 'T-A', 'conflict').status).toBe(0);
    expect(readFileSync(join(resolving, 'shared/CONFLICT.txt'), 'utf8')).toBe(resolved);
  });

  it('integration-break: two tasks each green alone from one base break the checks together; the second, retried from the base with the first merged, is green', () => {
    const dir = checkoutWithPlan(twoTaskPlan());
    const other = cloneOf(dir);
    // Each alone, from the same base: its checks and the whole suite pass.
    expect(runAgent(dir, 'T-A', 'integration-break').status).toBe(0);
    expect(runAgent(other, 'T-B', 'integration-break').status).toBe(0);
    for (const [checkout, id] of [[dir, 'T-A'], [other, 'T-B']] as const) {
      const task = taskOf(checkout, id);
      expect(outsideWrites(task, changedPaths(checkout))).toEqual([]);
      expect(runChecks(checkout, task).map((c) => c.status)).toEqual([0]);
      expect(runCommand(checkout, ['node', '--test']).status).toBe(0);
      commitAll(checkout, `Task ${id}`);
    }
    const b = git(other, 'rev-parse', 'HEAD');

    // A is merged; B's merge candidate merges cleanly (no file in common) but is red.
    const candidate = cloneOf(dir);
    git(candidate, 'merge', '--no-edit', '--quiet', b);
    const [own] = runChecks(candidate, taskOf(candidate, 'T-B'));
    expect(own?.status).not.toBe(0);
    const suite = runCommand(candidate, ['node', '--test']);
    expect(suite.status).not.toBe(0);
    expect(suite.output).toContain('modules declaring the entry point: src/alpha.js, src/beta.js');

    // B retried from the new base (A merged), with the same behaviour: green, and so is the whole suite.
    const retry = cloneOf(dir);
    const again = runAgent(retry, 'T-B', 'integration-break');
    expect(again.stdout).toContain('src/alpha.js already declares the entry point');
    expect(outsideWrites(taskOf(retry, 'T-B'), changedPaths(retry))).toEqual([]);
    expect(runChecks(retry, taskOf(retry, 'T-B')).map((c) => c.status)).toEqual([0]);
    const green = runCommand(retry, ['node', '--test']);
    expect(green.status, green.output).toBe(0);
  });

  it('wait-release works for a phase too: its outputs written, it waits for $PHASERUNNER_TEST_RELEASE_DIR/<phase>', async () => {
    const dir = plannedCheckout();
    const releases = tempDir('phaserunner-release-');
    const env = { PHASERUNNER_WORKSTREAM: 'planning', PHASERUNNER_PHASE: '1', PHASERUNNER_OUTPUTS: '["planning/risks.md"]', PHASERUNNER_TEST_RELEASE_DIR: releases };
    const agent = startAgent(dir, '', 'wait-release', runDir(), env);
    const exited = exitOf(agent);
    expect(await lineOf(agent, 'waiting for release')).toContain(join(releases, '1'));
    expect(agent.exitCode).toBeNull();
    expect(changedPaths(dir)).toEqual(['planning/risks.md']);
    writeFile(releases, '1', '');
    expect(await exited).toBe(0);
  });

  it('refuses the task-only behaviours in phase mode', () => {
    const dir = plannedCheckout();
    for (const behavior of ['break-tests', 'conflict', 'integration-break']) {
      const result = runAgent(dir, '', behavior, { PHASERUNNER_WORKSTREAM: 'planning', PHASERUNNER_PHASE: '1' });
      expect(result.status).toBe(64);
      expect(result.stderr).toContain(`behavior "${behavior}" is for tasks of the execution workstream`);
    }
    expect(changedPaths(dir)).toEqual([]);
  });
});
