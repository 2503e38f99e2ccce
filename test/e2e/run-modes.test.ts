// How `run` behaves as a command: one pass or --wait, --until, --json and NDJSON, progress,
// the single-runner lock, and Ctrl-C.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync, json } from '../helpers/cli.js';
import { writeStore } from '../helpers/store.js';
import { agentPid, isAlive, runsOf, scriptedRepo, until } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

const states = (repo: string): string[] => json<StatusView>(cli(repo, ['status', '--json'])).phases.map((p) => p.state);

describe('run', () => {
  it('does one pass and returns while the agent works; the next pass collects it', async () => {
    const repo = scriptedRepo({ '1': 'slow' });
    const first = cli(repo, ['run']);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('phase 1 architecture-baseline: dispatched attempt 1');
    expect(first.stdout).not.toContain('merged');
    expect(states(repo)).toEqual(['running', 'pending', 'pending', 'pending']);
    expect(json<StatusView>(cli(repo, ['status', '--json'])).next).toMatch(/Phase 1 \(architecture-baseline\) is running \(attempt 1\)/);

    const [run] = runsOf(repo);
    await until(() => existsSync(join(run?.run_dir ?? '', 'exit.json')), 20_000, 'the agent to finish');
    const second = cli(repo, ['run']);
    expect(second.code).toBe(0);
    expect(second.stdout).toContain('phase 1 architecture-baseline: merged into main');
    // The same pass gates and dispatches phase 2.
    expect(second.stdout).toContain('phase 2 gap-analysis: dispatched attempt 1');
    expect(runsOf(repo).filter((r) => r.phase === 1)).toHaveLength(1);
  });

  it('stops after the phase given to --until', () => {
    const repo = scriptedRepo();
    const result = cli(repo, ['run', '--wait', '--until', '2']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Stopped after phase 2, as asked by --until.');
    expect(states(repo)).toEqual(['done', 'done', 'pending', 'pending']);
  });

  it('prints one JSON document with --json', () => {
    const repo = scriptedRepo();
    const result = cli(repo, ['run', '--json']);
    expect(result.code).toBe(0);
    const doc = json<{ type: string; exit_code: number; events: { type: string }[]; status: StatusView }>(result);
    expect(doc.type).toBe('result');
    expect(doc.exit_code).toBe(0);
    expect(doc.events.map((e) => e.type)).toEqual(['gate', 'dispatched']);
    expect(doc.status.phases[0]?.state).toBe('running');
  });

  it('streams NDJSON events with --wait --json, ending with the result', () => {
    const repo = scriptedRepo({ '1': 'slow' });
    const result = cli(repo, ['run', '--wait', '--json']);
    expect(result.code).toBe(0);
    expect(result.stderr).toBe('');
    const events = result.stdout.trim().split('\n').map((line) => JSON.parse(line) as { type: string; phase?: number; line?: string });
    const types = new Set(events.map((e) => e.type));
    for (const type of ['gate', 'dispatched', 'progress', 'agent-exited', 'committed', 'merged', 'phase-done', 'complete']) expect(types).toContain(type);
    expect(events.some((e) => e.type === 'progress' && e.phase === 1 && e.line?.startsWith('[scripted architect]') === true)).toBe(true);
    expect(events.at(-1)).toMatchObject({ type: 'result', exit_code: 0 });
  });

  it('shows the agent\'s latest output line as plain progress lines without a terminal', () => {
    const repo = scriptedRepo({ '1': 'slow' });
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code).toBe(0);
    expect(result.stdout).toMatch(/ {4}phase 1 architecture-baseline · \d+\.\ds · \[scripted architect\] writing planning\//);
    expect(result.stdout).not.toContain('\r');
  });

  it('refuses a second runner on the same repository with exit 75, naming the holder', async () => {
    const repo = scriptedRepo({ '1': 'slow' });
    const first = cliAsync(repo, ['run', '--wait', '--until', '1']);
    const lock = join(repo, '.git', 'phaserunner', 'runner.lock');
    await until(() => existsSync(lock), 15_000, 'the first runner to take the lock');
    const second = cli(repo, ['run']);
    expect(second.code).toBe(75);
    expect(second.stderr).toMatch(new RegExp(`another phaserunner is working on this repository: pid ${first.child.pid ?? 0} on .+, since \\d{4}-`));
    expect((await first.done).code).toBe(0);
    expect(existsSync(lock)).toBe(false);
    expect(runsOf(repo)).toHaveLength(1);
  });

  it('takes over the lock of a runner that died', () => {
    const repo = scriptedRepo();
    // A lock left by a process that cannot exist on this host (Linux pids stay below 2^22).
    mkdirSync(join(repo, '.git', 'phaserunner'), { recursive: true });
    writeFileSync(join(repo, '.git', 'phaserunner', 'runner.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-01-01T00:00:00.000Z' }));
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
  });

  it('stops waiting on Ctrl-C with exit 130, leaves the agent running, and the next run collects it', async () => {
    const repo = scriptedRepo({ '1': 'slow' });
    const waiting = cliAsync(repo, ['run', '--wait']);
    await until(() => runsOf(repo).length === 1 && existsSync(join(runsOf(repo)[0]?.run_dir ?? '', 'started.json')), 15_000, 'dispatch');
    const run = runsOf(repo)[0];
    if (run === undefined) throw new Error('no run');
    const signalled = Date.now();
    waiting.child.kill('SIGINT');
    const interrupted = await waiting.done;
    expect(interrupted.code).toBe(130);
    expect(Date.now() - signalled).toBeLessThan(2000);
    expect(interrupted.stderr).toContain('Interrupted. Agents already started keep running in the background.');
    const pid = agentPid(run.run_dir);
    // Either still working, or it finished on its own (exit 0): Ctrl-C did not reach it.
    if (existsSync(join(run.run_dir, 'exit.json'))) {
      expect(JSON.parse(readFileSync(join(run.run_dir, 'exit.json'), 'utf8'))).toMatchObject({ exit_code: 0, signal: null });
    } else expect(isAlive(pid)).toBe(true);

    const resumed = cli(repo, ['run', '--wait', '--until', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).not.toContain('dispatched attempt');
    expect(runsOf(repo).filter((r) => r.phase === 1).map((r) => r.step)).toEqual(['merged']);
  });
});

describe('status', () => {
  it('prints a table and the next step for people', () => {
    const repo = scriptedRepo({ '2': 'fail' });
    cli(repo, ['run', '--wait']);
    const result = cli(repo, ['status']);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines[0]).toBe('planning on main: current phase 2');
    expect(lines.find((l) => l.startsWith('#'))).toMatch(/^#\s+phase\s+role\s+state\s+attempts\s+commit\s+merge\s+approval\s+last gate$/);
    expect(lines.find((l) => l.startsWith('1 '))).toMatch(/^1\s+architecture-baseline\s+architect\s+done\s+1\/3\s+[0-9a-f]{12}\s+[0-9a-f]{12}\s+-\s+phase-2 ok$/);
    expect(lines.find((l) => l.startsWith('2 '))).toMatch(/^2\s+gap-analysis\s+analyst\s+failed\s+1\/3\s+-\s+-\s+-\s+phase-2 ok$/);
    expect(result.stdout).toContain('  attempt 1 failed: the agent exited with code 3.');
    expect(lines.at(-2)).toMatch(/^Next: Phase 2 \(gap-analysis\) failed\. See `.*`, fix the cause, then `phaserunner retry 2`\.$/);
  });

  it('works before the first run without creating the store', () => {
    const repo = scriptedRepo();
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases.map((p) => p.state)).toEqual(['pending', 'pending', 'pending', 'pending']);
    expect(status.current).toBe(1);
    expect(existsSync(join(repo, '.git', 'phaserunner'))).toBe(false);
  });
});

describe('a run whose wrapper pid was never recorded (the runner died right after starting it)', () => {
  it('is still watched with progress until the agent ends when its wrapper\'s pid was never recorded', () => {
    // Slow enough (3 files, 2.5 s apart) to still be working when the second command starts
    // on a loaded machine: one that had finished would report no progress.
    const repo = scriptedRepo({}, { agents: { scripted: { type: 'scripted', behaviors: { '1': 'slow' }, delay_ms: 2500 } } });
    expect(cli(repo, ['run']).code).toBe(0);
    writeStore(repo, 'UPDATE runs SET wrapper_pid = NULL');
    const result = cli(repo, ['run', '--wait', '--json', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    const events = result.stdout.trim().split('\n').map((l) => JSON.parse(l) as { type: string });
    // The wrapper (found through its started.json) was watched: progress was reported.
    expect(events.some((e) => e.type === 'progress')).toBe(true);
    expect(events.some((e) => e.type === 'phase-done')).toBe(true);
  });
});
