// Planning again, and accepting a hand edit, as decisions recorded in git: `replan N` takes
// phases N and later back (their merges stay in history) and they run again on top of the
// base; `acknowledge N` accepts phase N's outputs as they are. Both are commits on the base
// that change no file, so a fresh clone, the audit and a rebuilt store all know them; without
// them, the same history is a finding.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditOf, cloneOf } from '../helpers/audit.js';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, trailersOf, userState } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import { firstParents, phaseMerges, rewrite } from '../helpers/tamper.js';
import type { StatusView } from '../../src/runner/status.js';

/** Planning done, then the intent gains a goal (which changes what phases 2-4 write). */
function plannedWithNewGoal(): string {
  const repo = scriptedRepo();
  expect(cli(repo, ['run', '--wait']).code).toBe(0);
  commitFile(repo, 'INTENT.md', `${readFileSync(join(repo, 'INTENT.md'), 'utf8')}\n## More goals\n\n- Share a shelf with a friend.\n`, 'A new goal');
  return repo;
}

/** The record commits on main's first-parent line, oldest first, as [kind, phase]. */
function recordsOf(repo: string): string[][] {
  return firstParents(repo)
    .map((sha) => trailersOf(repo, sha))
    .filter((t) => t['Record'] !== undefined)
    .map((t) => [t['Record'] ?? '', t['Phase'] ?? '']);
}

describe('replan', () => {
  it('plans phases 2-4 again after an intent change: new attempts, old merges kept, the replan on the base, audit clean on a fresh clone', () => {
    const repo = plannedWithNewGoal();
    const before = phaseMerges(repo);
    const result = cli(repo, ['replan', '2', '--by', 'Ada Lovelace', '--reason', 'The intent now has a sharing goal.\nPlan from the gaps on.', '--wait']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('replanned by Ada Lovelace: phases 2, 3, 4 will be planned again');
    const merges = phaseMerges(repo);
    expect(merges.slice(0, 4)).toEqual(before);
    expect(merges.map((m) => trailersOf(repo, m)['Phase'])).toEqual(['1', '2', '3', '4', '2', '3', '4']);
    expect(merges.slice(4).map((m) => trailersOf(repo, m)['Attempt'])).toEqual(['2', '2', '2']);
    expect(git(repo, 'show', 'main:planning/gap-analysis.md')).toContain('Share a shelf with a friend');
    // The record: by whom, when and why, and no file changed.
    const record = firstParents(repo).find((sha) => trailersOf(repo, sha)['Record'] === 'replan') ?? '';
    expect(trailersOf(repo, record)).toMatchObject({ Workstream: 'planning', Record: 'replan', Phase: '2', 'Recorded-By': 'Ada Lovelace' });
    expect(git(repo, 'log', '-1', '--format=%B', record)).toContain('  The intent now has a sharing goal.\n  Plan from the gaps on.');
    expect(git(repo, 'rev-parse', `${record}^{tree}`)).toBe(git(repo, 'rev-parse', `${record}^^{tree}`));
    expect(runsOf(repo).map((r) => [r.phase, r.attempt, r.step])).toEqual([
      [1, 1, 'merged'],
      [2, 1, 'merged'],
      [2, 2, 'merged'],
      [3, 1, 'merged'],
      [3, 2, 'merged'],
      [4, 1, 'merged'],
      [4, 2, 'merged'],
    ]);
    expect(auditOf(repo)).toMatchObject({ code: 0, report: { ok: true } });
    const clone = cloneOf(repo);
    expect(auditOf(clone)).toMatchObject({ code: 0, report: { ok: true } });
    // The log shows the replan where it happened, with its reason.
    const log = cli(clone, ['log']).stdout;
    expect(log).toMatch(/replan from phase 2 by Ada Lovelace {2}\([0-9a-f]{12}\)\n {4}The intent now has a sharing goal\.\n {4}Plan from the gaps on\./);
    // A rebuilt store on the clone knows the replan: nothing runs again, and attempts stay spent.
    const run = cli(clone, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout).not.toContain('dispatched');
    const status = json<StatusView>(cli(clone, ['status', '--json']));
    expect(status.phases.map((p) => [p.phase, p.state, p.attempts])).toEqual([
      [1, 'done', 1],
      [2, 'done', 2],
      [3, 'done', 2],
      [4, 'done', 2],
    ]);
    expect(auditOf(clone)).toMatchObject({ code: 0, report: { ok: true } });
  });

  it('without the record, the same re-merges are a finding (phase-merged-twice, exit 3)', () => {
    const repo = plannedWithNewGoal();
    expect(cli(repo, ['replan', '2', '--by', 'Ada', '--reason', 'sharing', '--wait']).code).toBe(0);
    const clone = cloneOf(repo);
    const record = firstParents(clone).find((sha) => trailersOf(clone, sha)['Record'] === 'replan') ?? '';
    rewrite(clone, record, () => null);
    const { code, report } = auditOf(clone);
    expect(code).toBe(3);
    expect(report.findings.map((f) => [f.code, f.phase])).toContainEqual(['phase-merged-twice', 2]);
  });

  it('gives a replanned phase a fresh attempt budget, and a replanned agent may find nothing to change', () => {
    // Phase 3 failed twice before it merged: 3 of 3 attempts spent.
    const repo = scriptedRepo({ '3': ['fail', 'fail', 'ok', 'ok'] });
    expect(cli(repo, ['run', '--wait']).code).toBe(1);
    expect(cli(repo, ['retry', '3', '--wait']).code).toBe(1);
    expect(cli(repo, ['retry', '3', '--wait']).code).toBe(0);
    // Nothing in the intent changed: the agent writes the same files, and that is fine now.
    const replanned = cli(repo, ['replan', '3', '--by', 'Ada', '--reason', 'Check the milestones again', '--wait']);
    expect(replanned.code, replanned.stderr).toBe(0);
    const phase3 = json<StatusView>(cli(repo, ['status', '--json'])).phases.find((p) => p.phase === 3);
    expect(phase3).toMatchObject({ state: 'done', attempts: 4, max_attempts: 6 });
    expect(auditOf(cloneOf(repo))).toMatchObject({ code: 0, report: { ok: true } });
  });

  it('supersedes a phase awaiting approval, keeping its commit on its attempt ref', () => {
    const repo = plannedWithNewGoal();
    commitFile(repo, '.phaserunner/config.json', readFileSync(join(repo, '.phaserunner', 'config.json'), 'utf8').replace('"approvals": []', '"approvals": [4]'), 'Approve the task plan');
    const first = cli(repo, ['replan', '2', '--by', 'Ada', '--reason', 'sharing', '--wait']);
    expect(first.code, first.stderr).toBe(2);
    const awaiting = runsOf(repo).find((r) => r.phase === 4 && r.step === 'committed');
    expect(awaiting).toBeDefined();
    const commit = readStore<{ commit_sha: string }>(repo, 'SELECT commit_sha FROM runs WHERE run_id = ?', awaiting?.run_id)[0]?.commit_sha;
    expect(cli(repo, ['replan', '4', '--by', 'Ada', '--reason', 'Tasks too coarse']).code).toBe(0);
    expect(git(repo, 'rev-parse', `refs/phaserunner/attempts/${awaiting?.run_id ?? ''}`)).toBe(commit);
    expect(runsOf(repo).find((r) => r.run_id === awaiting?.run_id)?.step).toBe('superseded');
    expect(cli(repo, ['run', '--wait']).code).toBe(2); // the new attempt awaits approval
    expect(cli(repo, ['approve', '4', '--by', 'Ada']).code).toBe(0);
    expect(recordsOf(repo)).toEqual([
      ['replan', '2'],
      ['replan', '4'],
    ]);
    expect(auditOf(cloneOf(repo))).toMatchObject({ code: 0, report: { ok: true } });
  });

  it('refuses, recording nothing, while a phase it takes back is at work (2), when nothing ran since (64), or without a reason (64)', () => {
    const repo = scriptedRepo({ '2': 'hang' });
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    expect(cli(repo, ['run']).code).toBe(0); // phase 2 dispatched, hanging
    const before = userState(repo);
    const busy = cli(repo, ['replan', '1', '--by', 'Ada', '--reason', 'x']);
    expect(busy.code).toBe(2);
    expect(busy.stderr).toContain("cannot replan from phase 1: phase 2's agent is still at work (attempt 1). Nothing was recorded.");
    const idle = cli(repo, ['replan', '3', '--by', 'Ada', '--reason', 'x']);
    expect(idle.code).toBe(64);
    expect(idle.stderr).toContain('nothing to replan: no phase from 3 on has run since it was last planned.');
    const empty = cli(repo, ['replan', '1', '--by', 'Ada', '--reason', ' ']);
    expect(empty.code).toBe(64);
    expect(userState(repo)).toEqual(before);
    expect(readStore(repo, 'SELECT * FROM records')).toEqual([]);
  });
});

describe('acknowledge', () => {
  it('accepts a hand edit of a phase output: no drift afterwards, on a fresh clone too; dropping the record brings it back', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    const tasks = JSON.parse(git(repo, 'show', 'main:planning/tasks.json')) as { tasks: { title: string }[] };
    const first = tasks.tasks[0];
    if (first !== undefined) first.title = `${first.title} (split by hand)`;
    commitFile(repo, 'planning/tasks.json', JSON.stringify(tasks, null, 2) + '\n', 'Split a task by hand');
    const drift = auditOf(repo);
    expect(drift.code).toBe(3);
    expect(drift.report.findings.map((f) => [f.code, f.phase])).toEqual([['drift', 4]]);
    expect(drift.report.findings[0]?.message).toContain('`phaserunner acknowledge 4 --reason TEXT` records that the change is meant.');

    const acked = cli(repo, ['acknowledge', '4', '--by', 'Ada', '--reason', 'Split by hand, on purpose']);
    expect(acked.code, acked.stderr).toBe(0);
    expect(recordsOf(repo)).toEqual([['acknowledge', '4']]);
    expect(auditOf(repo)).toMatchObject({ code: 0, report: { ok: true } });
    const clone = cloneOf(repo);
    expect(auditOf(clone)).toMatchObject({ code: 0, report: { ok: true } });
    // Nothing to acknowledge twice.
    expect(cli(repo, ['acknowledge', '4', '--by', 'Ada', '--reason', 'again']).code).toBe(64);
    // A later edit is drift again, measured from the acknowledgement.
    commitFile(clone, 'planning/tasks/extra.md', '# Extra\n', 'Another edit');
    expect(auditOf(clone).report.findings.map((f) => [f.code, f.phase])).toEqual([['drift', 4]]);

    // The same history without the record: the hand edit is drift.
    const bare = cloneOf(repo);
    const record = firstParents(bare).find((sha) => trailersOf(bare, sha)['Record'] === 'acknowledge') ?? '';
    rewrite(bare, record, () => null);
    expect(auditOf(bare).report.findings.map((f) => [f.code, f.phase])).toEqual([['drift', 4]]);
  });

  it('is known to a store rebuilt from git', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    commitFile(repo, 'planning/tasks/by-hand.md', '# By hand\n', 'A note by hand');
    expect(cli(repo, ['acknowledge', '4', '--by', 'Ada', '--reason', 'wanted']).code).toBe(0);
    for (const suffix of ['', '-wal', '-shm']) rmSync(join(repo, '.git', 'phaserunner', `state.db${suffix}`), { force: true });
    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    expect(readStore<{ kind: string; phase: number; by: string; reason: string; published: number }>(repo, 'SELECT kind, CAST(step_id AS INTEGER) AS phase, by, reason, published FROM records')).toEqual([
      { kind: 'acknowledge', phase: 4, by: 'Ada', reason: 'wanted', published: 1 },
    ]);
    expect(cli(repo, ['acknowledge', '4', '--by', 'Ada', '--reason', 'again']).code).toBe(64);
  });
});
