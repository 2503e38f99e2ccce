// The caps on what one attempt may change (limits.max_file_mb, limits.max_files): an agent
// that writes its phase's outputs plus a file over the size cap, or more files than the count
// cap, fails before anything of it is staged: no object of it is written, no commit, no
// snapshot, nothing merged; status and show give the reason, naming the config key. Raising
// the cap in the committed config (the base's commit governs a dispatch) lets the retry land
// the same work, and the audit of the history is clean.
import { execFileSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { PhaseDetail } from '../../src/runner/show.js';
import type { StatusView } from '../../src/runner/status.js';
import { cli, json } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { shellWord } from '../../src/util/shell.js';
import { git, scriptedConfig, shellAgentRepo, tempDir, usersOwnState, writeConfig } from '../helpers/git.js';
import { runsOf } from '../helpers/setup.js';

/** Phase 1's outputs, valid for its gate (as in hostile-agent.test.ts). */
const WRITE_OUTPUTS = `mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md`;

/** A valid decision record of 2 MB: its lines of x's are part of its Context. */
const WRITE_LARGE = `{ printf '# 0002. Big\\n\\n## Decision\\n\\nBig.\\n\\n## Context\\n\\n'; head -c 2097152 /dev/zero | tr '\\0' x; echo; } > planning/adr/0002-big.md`;

/** Ten more valid decision records: twelve changed files in all. */
const WRITE_MANY = `for i in 10 11 12 13 14 15 16 17 18 19; do printf '# 00%s. More\\n\\n## Decision\\n\\nMore.\\n' $i > planning/adr/00$i-more.md; done`;

const BRANCH = 'phaserunner/planning/1-architecture-baseline';

function repoWith(write: string, limits: Record<string, number>): string {
  return shellAgentRepo(`#!/bin/sh\nset -e\n${WRITE_OUTPUTS}\n${write}\n`, { stdin: false }, { limits });
}

/** The config as shellAgentRepo wrote it, with other limits, committed on main. */
function raiseLimits(repo: string, limits: Record<string, number>): void {
  writeConfig(repo, { ...scriptedConfig({ limits }), agent: 'shell', agents: { shell: { type: 'command', argv: ['./tools/agent.sh'], stdin: false } } });
}

/** Runs phase 1, expects it to fail with `reason`, and checks that nothing of the attempt was stored or landed. */
function failsOverLimit(repo: string, reason: string): string {
  const before = usersOwnState(repo);
  const main = git(repo, 'rev-parse', 'main');
  const first = cli(repo, ['run', '--wait', '--until', '1']);
  expect(first.code, first.stderr).toBe(1);
  expect(first.stderr).toContain(reason);
  const [run] = runsOf(repo);
  const worktree = run?.worktree ?? '';
  // Not kept in a snapshot (that would stage it all), and said so: the files are in the checkout.
  expect(first.stderr).toContain(`The agent's files are over the limits, so they are not kept in a snapshot: they stay in its checkout ${worktree} until the phase is dispatched again.`);
  expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/phaserunner/')).toBe('');
  // Nothing committed or merged, and nothing the user owns moved.
  expect(git(repo, 'rev-parse', BRANCH)).toBe(main);
  expect(git(repo, 'rev-parse', 'main')).toBe(main);
  expect(usersOwnState(repo)).toEqual(before);
  // Nothing staged: not even an object of the agent's files was written.
  const oid = execFileSync('git', ['hash-object', '--no-filters', join(worktree, 'planning/adr/0001-x.md')], { env: testEnv(), encoding: 'utf8' }).trim();
  expect(() => execFileSync('git', ['cat-file', '-e', oid], { cwd: repo, env: testEnv(), stdio: 'ignore' })).toThrow();
  // status and show give the reason.
  const status = json<StatusView>(cli(repo, ['status', '--json']));
  expect(status.phases[0]).toMatchObject({ state: 'failed', attempts: 1 });
  expect(status.phases[0]?.reason).toContain(reason);
  expect(cli(repo, ['status']).stdout).toContain(reason);
  expect(json<PhaseDetail>(cli(repo, ['show', '1', '--json'])).run?.failure).toContain(reason);
  return worktree;
}

/** After the cap is raised on main, the retry lands the same work and the audit is clean. */
function retryLands(repo: string, files: number): void {
  const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
  expect(retried.code, retried.stderr).toBe(0);
  expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]).toMatchObject({ state: 'done', attempts: 2 });
  expect(git(repo, 'ls-tree', '-r', '--name-only', 'main', '--', 'planning').split('\n')).toHaveLength(files);
  const audit = cli(repo, ['audit', '--json']);
  expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  expect(json<{ findings: unknown[] }>(audit).findings).toEqual([]);
}

describe('output limits', () => {
  it('a file over limits.max_file_mb fails the attempt before anything is staged; raised on main, the retry lands it', () => {
    const repo = repoWith(WRITE_LARGE, { max_file_mb: 1 });
    failsOverLimit(
      repo,
      'the agent wrote a file larger than the limit of 1 MB a file: "planning/adr/0002-big.md" (2.00 MB); nothing was staged. To allow larger files, raise limits.max_file_mb in .phaserunner/config.json and commit it on main.',
    );
    raiseLimits(repo, { max_file_mb: 3 });
    retryLands(repo, 3);
    expect(Number(git(repo, 'cat-file', '-s', 'main:planning/adr/0002-big.md'))).toBeGreaterThan(2 * 2 ** 20);
  });

  it('more files than limits.max_files fails the attempt before anything is staged; raised on main, the retry lands them', () => {
    const repo = repoWith(WRITE_MANY, { max_files: 5 });
    failsOverLimit(
      repo,
      'the agent changed 12 files, more than the limit of 5 an attempt; nothing was staged. To allow more, raise limits.max_files in .phaserunner/config.json and commit it on main.',
    );
    raiseLimits(repo, { max_files: 12 });
    retryLands(repo, 12);
  });

  it('an attempt is judged by the limits committed where it started, not by a cap raised while its agent works', () => {
    const go = join(tempDir(), 'go');
    const repo = repoWith(`while [ ! -e ${shellWord(go)} ]; do sleep 0.1; done\n${WRITE_MANY}`, { max_files: 5 });
    try {
      expect(cli(repo, ['run']).code).toBe(0); // dispatched under max_files 5
      raiseLimits(repo, { max_files: 12 });
    } finally {
      writeFileSync(go, '');
    }
    const collected = cli(repo, ['run', '--wait', '--until', '1']);
    expect(collected.code, collected.stderr).toBe(1);
    expect(collected.stderr).toContain('the agent changed 12 files, more than the limit of 5 an attempt; nothing was staged.');
    // The next dispatch starts from the raised cap.
    retryLands(repo, 12);
  });

  it('an attempt that fails otherwise with more files than limits.max_files is not snapshotted either', () => {
    // The snapshot of a failed attempt stages everything the agent changed: the work the cap bounds.
    const repo = repoWith(`${WRITE_MANY}\nexit 3`, { max_files: 5 });
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain('the agent exited with code 3.');
    expect(first.stderr).toContain("The agent's files are over the limits, so they are not kept in a snapshot");
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/phaserunner/')).toBe('');
  });
});
