// Losing the store loses no history: a deleted store is rebuilt from git on the next run, an
// agent still working is adopted rather than dispatched again, and a damaged store is
// refused until `doctor --repair` moves it aside and rebuilds it.
import { readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, tempDir, userState } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';

const stateDir = (repo: string): string => join(repo, '.git', 'phaserunner');
const db = (repo: string): string => join(stateDir(repo), 'state.db');

function deleteStore(repo: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(db(repo) + suffix, { force: true });
}

/** Planning ran to completion once per phase: four merges, one run each, and the audit agrees. */
function expectCompleteOnce(repo: string): void {
  const merges = git(repo, 'rev-list', '--first-parent', '--merges', 'main').split('\n');
  expect(merges).toHaveLength(4);
  expect(runsOf(repo).map((r) => [r.phase, r.attempt, r.step])).toEqual([
    [1, 1, 'merged'],
    [2, 1, 'merged'],
    [3, 1, 'merged'],
    [4, 1, 'merged'],
  ]);
  const audit = cli(repo, ['audit', '--json']);
  expect(audit.code, audit.stdout).toBe(0);
}

describe('a lost store', () => {
  it('is rebuilt from git on the next run, which goes on from where git says planning is', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '2']).code).toBe(0);
    const runIds = runsOf(repo).map((r) => r.run_id);
    deleteStore(repo);
    // Read-only, status creates nothing, but it tells what git knows.
    const status = cli(repo, ['status']);
    expect(status.stdout.trim().split('\n').at(-1)).toBe('Next: The store has no record of this work, but main has phases 1, 2 merged: `phaserunner run --wait` rebuilds the store from git and goes on from there.');

    const resumed = cli(repo, ['run', '--wait']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('had no record of this work (lost, or a fresh clone); rebuilt it from git: phases 1, 2 merged.');
    expect(resumed.stdout).not.toMatch(/phase [12] \S+: dispatched/);
    expectCompleteOnce(repo);
    // The restored runs keep their ids from the merge trailers.
    expect(runsOf(repo).slice(0, 2).map((r) => r.run_id)).toEqual(runIds);
  });

  it('adopts an agent that is still working, in the worktree it was given, instead of dispatching its phase again', () => {
    const repo = scriptedRepo({ '2': 'slow' });
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    // Dispatched with worktrees configured elsewhere than they are when the store is rebuilt.
    const elsewhere = tempDir('phaserunner-wt-');
    expect(cli(repo, ['run'], { PHASERUNNER_WORKTREES_DIR: elsewhere }).code).toBe(0); // dispatches phase 2 and returns
    const running = runsOf(repo).find((r) => r.phase === 2);
    expect(running?.step).toBe('dispatched');
    expect(running?.worktree.startsWith(elsewhere)).toBe(true);
    deleteStore(repo);

    const resumed = cli(repo, ['run', '--wait']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).toContain('rebuilt it from git: phase 1 merged; the attempt of phase 2 adopted.');
    expectCompleteOnce(repo);
    expect(runsOf(repo).find((r) => r.phase === 2)?.run_id).toBe(running?.run_id);
    expect(runsOf(repo).find((r) => r.phase === 2)?.worktree).toBe(running?.worktree);
  });
});

describe('a damaged store', () => {
  it('is refused (exit 65) without a change, until doctor --repair moves it aside and rebuilds it', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '2']).code).toBe(0);
    deleteStore(repo);
    const missing = cli(repo, ['doctor']);
    expect(missing.code, missing.stderr).toBe(0);
    expect(missing.stdout).toContain(`there is no store yet (${db(repo)}); the next \`phaserunner run\` creates it`);
    writeFileSync(db(repo), 'this is not a database\n');
    const before = userState(repo);

    for (const args of [['run'], ['status']]) {
      const refused = cli(repo, args);
      expect(refused.code, `${args.join(' ')}: ${refused.stderr}`).toBe(65);
      expect(refused.stderr).toContain(`the store ${db(repo)} is damaged (file is not a database); nothing was changed.`);
      expect(refused.stderr.trim().split('\n').at(-1)).toContain('phaserunner doctor --repair');
    }
    expect(userState(repo)).toEqual(before);
    expect(readFileSync(db(repo), 'utf8')).toBe('this is not a database\n');

    const checked = cli(repo, ['doctor', '--json']);
    expect(checked.code).toBe(2);
    const report = json<{ ok: boolean; checks: { name: string }[] }>(checked);
    expect(report.ok).toBe(false);
    expect(report.checks.find((c) => c.name === 'store')).toEqual({
      name: 'store',
      ok: false,
      level: 'fail',
      message: `the store ${db(repo)} is damaged (file is not a database)`,
      fix: 'Run `phaserunner doctor --repair`: it moves what is damaged aside (nothing is deleted) and rebuilds it from git.',
      repaired: null,
      details: { file: db(repo) },
    });
    const human = cli(repo, ['doctor']);
    expect(human.code).toBe(2);
    expect(human.stderr.trim().split('\n').at(-1)).toBe('Next: Run `phaserunner doctor --repair`: it moves what is damaged aside (nothing is deleted) and rebuilds it from git.');

    const repaired = cli(repo, ['doctor', '--repair']);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(repaired.stdout).toContain('rebuilt it from git: phases 1, 2 merged.');
    const aside = readdirSync(stateDir(repo)).find((n) => n.startsWith('state.db.damaged-'));
    expect(aside).toBeDefined();
    expect(repaired.stdout.split('\n')).toContain(`✓ store: the store ${db(repo)} was damaged (file is not a database)`);
    expect(repaired.stdout.split('\n')).toContain(`  repaired: moved the damaged store to ${join(stateDir(repo), aside ?? '')} and rebuilt it from git history`);
    expect(readFileSync(join(stateDir(repo), aside ?? ''), 'utf8')).toBe('this is not a database\n');
    expect(cli(repo, ['doctor']).code).toBe(0);

    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    expectCompleteOnce(repo);
  });
});
