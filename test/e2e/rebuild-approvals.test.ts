// A store rebuilt from git keeps what git records, approvals included: on a fresh clone, after
// the store was deleted, and after `doctor --repair` of a damaged one, each followed by `run`,
// the audit stays clean and status shows the approval, not a phase still "requiring" one.
import { rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, tempDir, trailersOf } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';
import { writeStore } from '../helpers/store.js';
import { commitTree, readCommit, setTrailer } from '../helpers/tamper.js';
import type { StatusView } from '../../src/runner/status.js';

const db = (repo: string): string => join(repo, '.git', 'phaserunner', 'state.db');

function deleteStore(repo: string): void {
  for (const suffix of ['', '-wal', '-shm']) rmSync(db(repo) + suffix, { force: true });
}

/** Planning 1-4 with phase 4 approved by Ada Lovelace. */
function approvedRepo(): string {
  const repo = scriptedRepo({}, { approvals: [4] });
  expect(cli(repo, ['run', '--wait']).code).toBe(2); // stops at phase 4 for approval
  const approved = cli(repo, ['approve', '4', '--by', 'Ada Lovelace']);
  expect(approved.code, approved.stderr).toBe(0);
  return repo;
}

function expectApprovedAndClean(repo: string): void {
  const audit = cli(repo, ['audit', '--json']);
  expect(audit.code, audit.stdout).toBe(0);
  const status = json<StatusView>(cli(repo, ['status', '--json']));
  const phase4 = status.phases.find((p) => p.phase === 4);
  const merge = git(repo, 'rev-parse', 'main');
  const t = trailersOf(repo, merge);
  expect(phase4).toMatchObject({ state: 'done', merge, approval: { decision: 'approved', by: 'Ada Lovelace', at: t['Approved-At'], digest: t['Approved-Digest'] } });
  expect(status.complete).toBe(true);
}

describe('a store rebuilt from git', () => {
  it('on a fresh clone restores the approval: run, then audit, stays clean; an approval removed from git is still caught', () => {
    const repo = approvedRepo();
    const clone = join(tempDir(), 'clone');
    git(repo, 'clone', '--quiet', repo, clone);
    expect(cli(clone, ['audit']).code).toBe(0);
    const run = cli(clone, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).toContain('rebuilt it from git: phases 1, 2, 3, 4 merged.');
    expectApprovedAndClean(clone);
    // The same shape, unrecorded: phase 4's merge without its approval.
    const merge = readCommit(clone, 'main');
    let message = merge.message;
    for (const key of ['Approved-By', 'Approved-At', 'Approved-Digest']) message = setTrailer(message, key, null);
    git(clone, 'update-ref', 'refs/heads/main', commitTree(clone, { ...merge, message }));
    const tampered = json<{ findings: { code: string; phase: number }[] }>(cli(clone, ['audit', '--json']));
    expect(tampered.findings.map((f) => [f.code, f.phase])).toContainEqual(['approval-missing', 4]);
  });

  it('after the store was deleted restores the approval', () => {
    const repo = approvedRepo();
    deleteStore(repo);
    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    expectApprovedAndClean(repo);
  });

  it('by doctor --repair of a damaged store restores the approval', () => {
    const repo = approvedRepo();
    deleteStore(repo);
    writeFileSync(db(repo), 'this is not a database\n');
    const repaired = cli(repo, ['doctor', '--repair']);
    expect(repaired.code, repaired.stderr).toBe(0);
    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    expectApprovedAndClean(repo);
  });

  it('made by an older phaserunner, without the approvals, is reported by doctor and rebuilt by doctor --repair', () => {
    const repo = approvedRepo();
    // What a rebuild before approvals were restored left: the runs, no approval rows.
    for (const sql of ['DROP TRIGGER approvals_no_delete', 'DELETE FROM approvals']) writeStore(repo, sql);
    expect(cli(repo, ['audit']).code).toBe(3);
    const doctor = cli(repo, ['doctor', '--json']);
    expect(doctor.code).toBe(2);
    const store = json<{ checks: { name: string; level: string; message: string }[] }>(doctor).checks.find((c) => c.name === 'store');
    expect(store).toMatchObject({ level: 'fail', message: `the store ${db(repo)} disagrees with git: the store has no record of the approval of phase 4 by Ada Lovelace, which main has` });
    const repaired = cli(repo, ['doctor', '--repair']);
    expect(repaired.code, repaired.stdout).toBe(0);
    expect(repaired.stdout).toContain('repaired: moved the store that disagreed with git to');
    expectApprovedAndClean(repo);
  });
});
