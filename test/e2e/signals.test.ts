// A waiting runner stopped by a signal other than Ctrl-C (whose test is in run-modes):
// SIGTERM (kill, systemd, a container stopping) and SIGHUP (its terminal closed). Each ends
// the wait like Ctrl-C: the lock released, the agent left running for the next `run`.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync, cliTtyHangUp } from '../helpers/cli.js';
import { tempDir } from '../helpers/git.js';
import { agentPid, heldAgentRepo, isAlive, runsOf, until, type RunInfo } from '../helpers/setup.js';

const lockOf = (repo: string): string => join(repo, '.git', 'phaserunner', 'runner.lock');

/** Waits until the first run's agent has started, and returns the run. */
async function started(repo: string): Promise<RunInfo> {
  await until(() => existsSync(join(runsOf(repo)[0]?.run_dir ?? '', 'started.json')), 15_000, 'the agent to start');
  const run = runsOf(repo)[0];
  if (run === undefined) throw new Error('no run');
  return run;
}

/** The agent is still working (it was not stopped with the runner), and the next run collects it. */
function nextRunCollects(repo: string, run: RunInfo, release: () => void): void {
  expect(existsSync(lockOf(repo))).toBe(false);
  expect(existsSync(join(run.run_dir, 'exit.json'))).toBe(false);
  expect(isAlive(agentPid(run.run_dir))).toBe(true);
  release();
  const resumed = cli(repo, ['run', '--wait', '--until', '1']);
  expect(resumed.code, resumed.stderr).toBe(0);
  expect(resumed.stdout).toContain('phase 1 architecture-baseline: merged into main');
  expect(resumed.stdout).not.toContain('dispatched attempt');
  expect(runsOf(repo).map((r) => r.step)).toEqual(['merged']);
}

describe('run --wait stopped by a signal', () => {
  it('on SIGTERM says so with a next step, releases the lock, leaves the agent running and exits 143', async () => {
    const { repo, release } = heldAgentRepo();
    try {
      const waiting = cliAsync(repo, ['run', '--wait']);
      const run = await started(repo);
      waiting.child.kill('SIGTERM');
      const stopped = await waiting.done;
      expect(stopped.code).toBe(143);
      const errors = stopped.stderr.trimEnd().split('\n');
      expect(errors).toEqual([
        'Stopped by SIGTERM. Agents already started keep running in the background.',
        'Next: `phaserunner run --wait` collects their results and continues.',
      ]);
      nextRunCollects(repo, run, release);
    } finally {
      release();
    }
  });

  it('on SIGTERM with --json ends the NDJSON stream with a whole result event', async () => {
    const { repo, release } = heldAgentRepo();
    try {
      const waiting = cliAsync(repo, ['run', '--wait', '--json']);
      const run = await started(repo);
      // A progress event first, so the signal lands while events are streaming.
      await until(() => waiting.output().stdout.includes('"type":"progress"'), 15_000, 'a progress event');
      waiting.child.kill('SIGTERM');
      const stopped = await waiting.done;
      expect(stopped.code).toBe(143);
      expect(stopped.stdout.endsWith('\n')).toBe(true);
      const events = stopped.stdout.trimEnd().split('\n').map((line) => JSON.parse(line) as { type: string; exit_code?: number; signal?: string });
      expect(events.map((e) => e.type)).toContain('dispatched');
      expect(events.at(-1)).toMatchObject({ type: 'result', exit_code: 143, signal: 'SIGTERM', result: { interrupted: true } });
      expect(stopped.stderr).toBe('');
      nextRunCollects(repo, run, release);
    } finally {
      release();
    }
  });

  it('when its terminal closes (SIGHUP) releases the lock, leaves the agent running and ends by SIGHUP (129 to a shell)', async () => {
    const { repo, release } = heldAgentRepo();
    try {
      const terminal = cliTtyHangUp(repo, ['run', '--wait']);
      const run = await started(repo);
      terminal.hangUp();
      const ended = await terminal.done;
      // Ended by the signal itself after its clean-up: a normal exit on a closed terminal
      // would make Node abort (src/cli/signals.ts).
      expect(ended).toMatchObject({ code: null, signal: 1 });
      expect(ended.output).toContain('phase 1 architecture-baseline: dispatched attempt 1');
      nextRunCollects(repo, run, release);
    } finally {
      release();
    }
  });
});

describe('the demo stopped by SIGTERM', () => {
  it('says so, releases its repository\'s lock and exits 143', async () => {
    // The scripted agent pauses 2 s between files: the demo is still waiting when stopped.
    // In a directory of the test's own (tempDir removes it): without --dir the demo makes one that no test owns.
    const demo = cliAsync(tempDir(), ['demo', '--dir', join(tempDir(), 'demo'), '--delay', '2000']);
    const dirOf = (): string => /Created a demo repository at (.+)\n/.exec(demo.output().stdout)?.[1] ?? '';
    await until(() => existsSync(join(dirOf(), '.git', 'phaserunner', 'runner.lock')) && demo.output().stdout.includes('dispatched attempt 1'), 30_000, 'the demo to dispatch phase 1');
    demo.child.kill('SIGTERM');
    const stopped = await demo.done;
    expect(stopped.code).toBe(143);
    expect(stopped.stderr).toContain('Stopped by SIGTERM. Agents already started keep running in the background.');
    expect(existsSync(lockOf(dirOf()))).toBe(false);
  });
});
