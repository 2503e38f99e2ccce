// exit.json decides when an attempt is finished. Missing (with the wrapper dead) means the
// attempt crashed; truncated, not JSON or the wrong shape is bad data (65). Either way nothing
// is committed and the agent's files are kept.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { git, userState } from '../helpers/git.js';
import { dispatchHanging, isAlive, runsOf, until, type RunInfo } from '../helpers/setup.js';

/**
 * Dispatches phase 1 on an agent that writes its files then hangs, and kills the wrapper and
 * the agent the way a crash (or kill -9) would: no exit.json is written.
 */
async function crashedAttempt(): Promise<{ repo: string; run: RunInfo; before: Record<string, string> }> {
  const { repo, run, agent } = await dispatchHanging();
  // Dispatch only adds phaserunner's own refs and its worktree; the user's checkout is as before.
  const before = userState(repo);
  process.kill(run.wrapper_pid, 'SIGKILL');
  process.kill(-agent, 'SIGKILL');
  await until(() => !isAlive(run.wrapper_pid) && !isAlive(agent), 15_000, 'processes to die');
  // The hanging agent wrote nothing; leave a file in its checkout to prove it is kept.
  writeFileSync(join(run.worktree, 'planning-notes.txt'), 'agent output\n');
  return { repo, run, before };
}

function expectNothingMerged(repo: string, before: Record<string, string>): void {
  expect(git(repo, 'rev-parse', 'main')).toBe(before.headCommit);
  expect(userState(repo).status).toBe(before.status);
}

describe('exit.json', () => {
  it('missing with the wrapper gone: the attempt crashed (exit 1), the files are kept', async () => {
    const { repo, run, before } = await crashedAttempt();
    const result = cli(repo, ['run']);
    expect(result.code).toBe(1);
    expect(result.stderr).toMatch(/the dispatch wrapper \(pid \d+\) is gone and left no exit\.json in .*; the attempt crashed\./);
    expectNothingMerged(repo, before);
    expect(git(repo, 'show', `refs/phaserunner/attempts/${run.run_id}:planning-notes.txt`)).toBe('agent output');
  });

  const corrupt: [string, string, RegExp][] = [
    ['truncated', '{"exit_code": 0, "signal": nu', /not JSON/],
    ['empty', '', /the file is empty/],
    ['not JSON', 'exit 0\n', /not JSON/],
    ['the wrong shape', JSON.stringify({ exit_code: 'zero', signal: null, started_at: 'yesterday' }), /exit_code: Invalid input: expected number, received string.*pid: .*started_at: /],
  ];
  for (const [what, content, detail] of corrupt) {
    it(`${what}: bad data (exit 65) naming the file, nothing committed`, async () => {
      const { repo, run, before } = await crashedAttempt();
      writeFileSync(join(run.run_dir, 'exit.json'), content);
      const result = cli(repo, ['run']);
      expect(result.code).toBe(65);
      expect(result.stderr).toContain(`${join(run.run_dir, 'exit.json')} is not a valid exit.json (`);
      expect(result.stderr).toMatch(detail);
      expect(result.stderr).toContain('the attempt cannot count as finished');
      expectNothingMerged(repo, before);
      expect(runsOf(repo)[0]?.step).toBe('failed');
      expect(git(repo, 'show', `refs/phaserunner/attempts/${run.run_id}:planning-notes.txt`)).toBe('agent output');
      // Passing the bad data again changes nothing more: the phase stays failed.
      rmSync(join(run.run_dir, 'exit.json'));
      expect(cli(repo, ['run']).code).toBe(1);
    });
  }
});
