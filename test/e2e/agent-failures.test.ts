// A misbehaving agent fails its attempt with a reason a human can act on; the base branch and
// the user's checkout stay exactly as they were, and the agent's files are kept.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, usersOwnState } from '../helpers/git.js';
import { agentPid, isAlive, runsOf, scriptedRepo } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

/** Runs phase 1 with a behavior; returns the repo, the result and the state before the run. */
function failPhase1(behavior: string, extra: Record<string, unknown> = {}) {
  const repo = scriptedRepo({ '1': behavior }, extra);
  const before = usersOwnState(repo);
  const result = cli(repo, ['run', '--wait']);
  return { repo, result, before };
}

function expectFailedCleanly(repo: string, before: Record<string, string>, result: ReturnType<typeof cli>, reason: RegExp): void {
  expect(result.code, result.stderr).toBe(1);
  expect(result.stderr).toMatch(reason);
  expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^Next: .*phaserunner retry 1/);
  const status = json<StatusView>(cli(repo, ['status', '--json']));
  expect(status.phases[0]).toMatchObject({ phase: 1, state: 'failed', attempts: 1, commit: null, merge: null });
  expect(status.phases[0]?.reason).toMatch(reason);
  // Nothing the user owns moved: only phaserunner's own refs (the phase branch, the snapshot) are new.
  expect(usersOwnState(repo)).toEqual(before);
}

describe('an agent that', () => {
  it('exits non-zero fails the attempt with its exit code and last stderr line', () => {
    const { repo, result, before } = failPhase1('fail');
    expectFailedCleanly(repo, before, result, /the agent exited with code 3\. Last stderr: scripted agent: phase 1 failed on purpose/);
    // The partial file it wrote is kept in the attempt's snapshot ref.
    const [run] = runsOf(repo);
    if (run === undefined) throw new Error('no run');
    expect(git(repo, 'ls-tree', '-r', '--name-only', `refs/phaserunner/attempts/${run.run_id}`)).toContain('planning/architecture.md');
    expect(result.stdout).toContain(`the agent's files are kept in refs/phaserunner/attempts/${run.run_id}`);
  });

  it('fails keeps its ignored outputs in the snapshot too', () => {
    const repo = scriptedRepo({ '1': 'todo' });
    commitFile(repo, '.gitignore', 'planning/adr/\n');
    expect(cli(repo, ['run', '--wait']).code).toBe(1);
    const [run] = runsOf(repo);
    const kept = git(repo, 'ls-tree', '-r', '--name-only', `refs/phaserunner/attempts/${run?.run_id ?? ''}`);
    expect(kept).toContain('planning/architecture.md');
    expect(kept).toContain('planning/adr/0001-record-architecture-decisions.md');
  });

  // That the whole process group goes is tested with a child process in command-agent.test.ts.
  it('runs past the phase timeout is killed, and the attempt fails', () => {
    const { repo, result, before } = failPhase1('hang', { timeouts: { phase_minutes: 0.02, kill_grace_seconds: 1 } });
    expectFailedCleanly(repo, before, result, /the agent ran past the phase timeout \(0\.02 min\) and was killed/);
    const [run] = runsOf(repo);
    if (run === undefined) throw new Error('no run');
    expect(isAlive(agentPid(run.run_dir))).toBe(false);
  });

  it('ignores SIGTERM is killed with SIGKILL after the grace period', () => {
    const { repo, result, before } = failPhase1('hang-hard', { timeouts: { phase_minutes: 0.02, kill_grace_seconds: 0.5 } });
    expectFailedCleanly(repo, before, result, /past the phase timeout/);
    const [run] = runsOf(repo);
    if (run === undefined) throw new Error('no run');
    expect(isAlive(agentPid(run.run_dir))).toBe(false);
    const log = readFileSync(join(run.run_dir, 'wrapper.log'), 'utf8');
    expect(log).toMatch(/SIGTERM to group[\s\S]*grace period over: SIGKILL to group/);
    expect(log).toContain('signal=SIGKILL');
  });

  it('is killed by a signal fails the attempt naming the signal', () => {
    const { repo, result, before } = failPhase1('crash');
    expectFailedCleanly(repo, before, result, /the agent was killed by SIGKILL/);
  });

  it('exits 0 without writing anything fails: exit 0 is not enough', () => {
    const { repo, result, before } = failPhase1('nothing');
    expectFailedCleanly(repo, before, result, /changed nothing inside its declared outputs \(planning\/architecture\.md, planning\/adr\/\*\.md\)/);
  });

  it('writes outside its declared outputs fails, naming the file', () => {
    const { repo, result, before } = failPhase1('outside');
    expectFailedCleanly(repo, before, result, /changed files outside its declared outputs: "src\/outside\.txt"/);
    expect(existsSync(`${repo}/src/outside.txt`)).toBe(false);
  });

  it('skips a required file fails at the gate, naming what is missing', () => {
    const { repo, result, before } = failPhase1('skip-required');
    expectFailedCleanly(repo, before, result, /the phase 2 gate is not met: planning\/architecture\.md is missing\./);
  });

  it('leaves a TODO fails at the gate with the file and line', () => {
    const { repo, result, before } = failPhase1('todo');
    expectFailedCleanly(repo, before, result, /planning\/architecture\.md:\d+ contains "TODO", which must not appear\./);
  });

  it('commits by itself fails: only the runner commits', () => {
    const { repo, result, before } = failPhase1('commit');
    expectFailedCleanly(repo, before, result, /the agent made commits of its own/);
  });

  it('writes a task list with a dangling dependency fails the planning-complete gate', () => {
    const repo = scriptedRepo({ '4': 'bad-json' });
    const result = cli(repo, ['run', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the planning-complete gate is not met: .*T-001 depends on T-999, which is not a task\./);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases.map((p) => p.state)).toEqual(['done', 'done', 'done', 'failed']);
    // Phases 1-3 are merged; phase 4 is not.
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('3');
  });
});
