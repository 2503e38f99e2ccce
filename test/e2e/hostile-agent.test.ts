// Agents that break their own checkout or ignore signals: the attempt fails with a reason,
// nothing of theirs is lost, and the phase can always be retried.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, shellAgentRepo, tempDir, usersOwnState } from '../helpers/git.js';
import { dispatchHanging, isAlive, runsOf, scriptedRepo, until } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

/** Writes phase 1's outputs (valid for its gate). */
const WRITE_OUTPUTS = `mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md`;

/** A repository whose agent is a shell script: `attempt1` on the first attempt, then well-behaved. */
function shellAgent(attempt1: string, extra: Record<string, unknown> = {}): string {
  return shellAgentRepo(`#!/bin/sh\nset -e\nif [ "$PHASERUNNER_ATTEMPT" = 1 ]; then\n${attempt1}\nfi\n${WRITE_OUTPUTS}\n`, { stdin: false }, extra);
}

function failsThenRetries(repo: string, reason: RegExp): void {
  const first = cli(repo, ['run', '--wait', '--until', '1']);
  expect(first.code, first.stderr).toBe(1);
  expect(first.stderr).toMatch(reason);
  const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
  expect(retried.code, retried.stderr).toBe(0);
  expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]).toMatchObject({ state: 'done', attempts: 2 });
}

describe('an agent that', () => {
  it('deletes its own checkout fails, and the retry gets a fresh one', () => {
    const repo = shellAgent(`${WRITE_OUTPUTS}\nrm -rf "$PHASERUNNER_WORKTREE"\nexit 0`);
    failsThenRetries(repo, /the agent's checkout .* is gone\./);
  });

  it('removes its checkout\'s .git fails without git acting on the main repository, and its files are kept', () => {
    const repo = shellAgent(`${WRITE_OUTPUTS}\nrm -f .git\nexit 0`);
    const before = usersOwnState(repo);
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code).toBe(1);
    expect(first.stderr).toMatch(/is no longer a git worktree \(its \.git was removed or replaced\)/);
    expect(usersOwnState(repo)).toEqual(before);
    const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
    expect(retried.code, retried.stderr).toBe(0);
    // The broken checkout was moved into the first run's directory, files and all.
    const firstRun = runsOf(repo)[0]?.run_dir ?? '';
    const leftover = readdirSync(firstRun).find((n) => n.startsWith('leftover-checkout-'));
    expect(leftover).toBeDefined();
    expect(readFileSync(join(firstRun, leftover ?? '', 'planning/architecture.md'), 'utf8')).toContain('## Components');
  });

  it('writes a file name that is not UTF-8 fails cleanly instead of wedging the phase', () => {
    const repo = shellAgent(`${WRITE_OUTPUTS}\nprintf x > "planning/adr/$(printf 'bad-\\377.md')"\nexit 0`);
    failsThenRetries(repo, /the agent wrote file names that are not valid UTF-8: "planning\/adr\/bad-\uFFFD\.md"/);
  });

  it('leaves its checkout\'s index locked changes nothing: the runner stages in an index of its own', () => {
    // A git the agent ran was killed half-way. The runner never writes the checkout's index, so
    // the lock is no obstacle: the work is judged and committed as usual.
    const repo = shellAgentRepo(`#!/bin/sh\nset -e\n${WRITE_OUTPUTS}\ntouch "$(git rev-parse --git-dir)/index.lock"\n`, { stdin: false });
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(runsOf(repo)[0]?.step).toBe('merged');
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main', '--', 'planning')).toBe('planning/adr/0001-x.md\nplanning/architecture.md');
  });

  it('exits 0 when the timeout signals it still fails: it did not finish in time', () => {
    const repo = shellAgent(`${WRITE_OUTPUTS}\ntrap 'exit 0' TERM\nwhile :; do sleep 0.1; done`, { timeouts: { phase_minutes: 0.02, kill_grace_seconds: 2 } });
    failsThenRetries(repo, /the agent ran past the phase timeout \(0\.02 min\) and was killed\./);
  });

  it('switches to another branch fails, naming where HEAD went, and the retry starts clean', () => {
    // To a branch that exists: making one is a ref move the ref guard refuses.
    const repo = shellAgent(`${WRITE_OUTPUTS}\ngit checkout -q elsewhere\nexit 0`);
    git(repo, 'branch', 'elsewhere');
    failsThenRetries(repo, /the agent left its branch phaserunner\/planning\/1-architecture-baseline \(HEAD is now refs\/heads\/elsewhere\)/);
  });

  it('writes through a symlink that escapes its checkout fails, and nothing outside is read or committed', () => {
    const outside = tempDir();
    const repo = shellAgent(`mkdir -p planning\nln -s "${outside}" planning/adr\nprintf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md\nln -s /etc/hostname planning/architecture.md\nexit 0`);
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    // The symlink itself is what it changed in the checkout, and it is not a declared output.
    expect(first.stderr).toContain('the agent changed files outside its declared outputs: "planning/adr"');
    expect(readFileSync(join(outside, '0001-x.md'), 'utf8')).toContain('# 0001. X'); // where the agent's write landed
    expect(git(repo, 'log', '--format=%s', 'main')).not.toContain('planning: merge');
    expect(cli(repo, ['retry', '1', '--wait', '--until', '1']).code).toBe(0);
    expect(git(repo, 'ls-tree', '-r', 'main', 'planning')).not.toMatch(/^120000/m); // no symlink was merged
  });

  it('makes a declared output a symlink out of its checkout fails, naming it: outputs are regular files', () => {
    const repo = shellAgent(`mkdir -p planning/adr\nprintf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md\nln -s /etc/hostname planning/architecture.md\nexit 0`);
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain('the agent wrote outputs that are not regular files: "planning/architecture.md" (a symbolic link).');
    expect(git(repo, 'log', '--format=%s', 'main')).not.toContain('planning: merge');
  });

  it('prints without end is stopped at the output limit, and only the end of its log is read', () => {
    // About 1 MB a tenth of a second, for ever; the limit is 1 MB.
    const repo = shellAgent(`while :; do head -c 1000000 /dev/zero | tr '\\0' x; echo; sleep 0.1; done`, { limits: { max_output_mb: 1 } });
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain('the agent wrote more than 1 MB of output (stdout and stderr together) and was stopped.');
    const run = runsOf(repo)[0];
    const exit = JSON.parse(readFileSync(join(run?.run_dir ?? '', 'exit.json'), 'utf8')) as { output_exceeded?: boolean };
    expect(exit.output_exceeded).toBe(true);
    // Stopped within a second or so of crossing the limit: the log stays small.
    expect(statSync(join(run?.run_dir ?? '', 'stdout.log')).size).toBeLessThan(30 * 2 ** 20);
    // What is shown of it is its end only (the last 64 KB at most), not the megabytes.
    const shown = json<{ log_tail: { stdout: string } }>(cli(repo, ['show', '1', '--json']));
    expect(shown.log_tail.stdout.length).toBeGreaterThan(0);
    expect(shown.log_tail.stdout.length).toBeLessThanOrEqual(64 * 1024);
  });

  it('writes its own exit.json before it is done is waited for: only the wrapper\'s counts', () => {
    const repo = scriptedRepo({ '1': 'fake-exit' });
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    // Judged on the finished work, and on the wrapper's exit.json (the fake said 1 ms).
    const run = runsOf(repo)[0];
    const exit = JSON.parse(readFileSync(join(run?.run_dir ?? '', 'exit.json'), 'utf8')) as { duration_ms: number };
    expect(exit.duration_ms).toBeGreaterThanOrEqual(1000);
    const merged = git(repo, 'ls-tree', '-r', '--name-only', 'main', 'planning').split('\n');
    expect(merged).toContain('planning/architecture.md');
    expect(merged.some((p) => p.startsWith('planning/adr/'))).toBe(true);
  });
});

describe('an agent that games the runner', () => {
  it('moves refs it shares with the user (main, a tag, the user\'s HEAD, the stash) is refused by git, fails, and nothing of the user\'s moved', () => {
    const repo = scriptedRepo({ '1': ['move-refs', 'ok'] });
    const before = usersOwnState(repo);
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain(
      `the agent tried to move refs outside its checkout ("refs/heads/main", "refs/tags/agent-was-here", "HEAD of ${repo}", "refs/stash"); git refused, and they are unchanged.`,
    );
    expect(usersOwnState(repo)).toEqual(before);
    // Each try failed in the agent's own git, so it knew at once; the work it did next is kept.
    const run = runsOf(repo)[0];
    const log = readFileSync(join(run?.run_dir ?? '', 'stdout.log'), 'utf8');
    expect(log).toContain('git update-ref: refused');
    expect(log).toContain('git stash: refused');
    // Another repository is not the user's: the agent may commit there (its tests might).
    expect(log).toContain('git scratch commit: done');
    expect(git(repo, 'ls-tree', '-r', '--name-only', `refs/phaserunner/attempts/${run?.run_id ?? ''}`)).toContain('planning/architecture.md');
    const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
    expect(retried.code, retried.stderr).toBe(0);
  });

  it('commits with its own run id and deletes the store gets nothing merged: a rebuilt store judges, never trusts, its commit', () => {
    const mark = join(tempDir(), 'done-once');
    // Once: the outputs plus a stray file, committed with trailers naming its run, then the store deleted.
    const repo = shellAgent(
      `if [ ! -e "${mark}" ]; then touch "${mark}"\n${WRITE_OUTPUTS}\necho evil > EVIL.txt\ngit add -A\ngit -c user.name=a -c user.email=a@b commit -q -m x -m "Run-Id: $PHASERUNNER_RUN_ID"\nrm -f "$(dirname "$PHASERUNNER_PROMPT_FILE")"/../../state.db*\nexit 0\nfi`,
    );
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code).toBe(1);
    expect(first.stderr).toContain('made commits of its own');
    const second = cli(repo, ['run', '--wait', '--until', '1']);
    expect(second.code, second.stderr).toBe(0);
    expect(second.stdout).not.toContain('adopted'); // the failed attempt is history, not adopted
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main')).not.toContain('EVIL.txt');
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main')).toContain('planning/architecture.md');
  });

  it('writes a fake exit.json and outlives its killed wrapper is stopped, and the fake is not judged', async () => {
    const repo = scriptedRepo({ '1': 'fake-exit' });
    expect(cli(repo, ['run']).code).toBe(0);
    const run = runsOf(repo)[0];
    const dir = run?.run_dir ?? '';
    await until(() => existsSync(join(dir, 'exit.json')) && existsSync(join(dir, 'started.json')), 15_000, 'the fake exit.json');
    const started = JSON.parse(readFileSync(join(dir, 'started.json'), 'utf8')) as { wrapper_pid: number; agent_pid: number };
    process.kill(started.wrapper_pid, 'SIGKILL');
    await until(() => !isAlive(started.wrapper_pid), 5_000, 'the wrapper to die');
    expect(isAlive(started.agent_pid)).toBe(true); // still working (it ends by itself 3 s after the fake)
    const result = cli(repo, ['run']);
    expect(result.code, result.stdout + result.stderr).toBe(1);
    expect(result.stderr).toMatch(/the dispatch wrapper is gone while its agent \(pid \d+\) still runs, so .*exit\.json is not the wrapper's/);
    expect(result.stderr).toContain(`(its agent, pid ${started.agent_pid}, was still running and has been stopped)`);
    await until(() => !isAlive(started.agent_pid), 500, 'the orphaned agent to be stopped');
  });
});

describe('a wrapper killed with kill -9', () => {
  it('fails the attempt as crashed and stops the agent it left behind', async () => {
    const { repo, run, agent } = await dispatchHanging();
    process.kill(run.wrapper_pid, 'SIGKILL');
    await until(() => !isAlive(run.wrapper_pid), 15_000, 'the wrapper to die');
    expect(isAlive(agent)).toBe(true);
    const result = cli(repo, ['run']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`(its agent, pid ${agent}, was still running and has been stopped); the attempt crashed.`);
    await until(() => !isAlive(agent), 5_000, 'the agent to be stopped');
  });
});
