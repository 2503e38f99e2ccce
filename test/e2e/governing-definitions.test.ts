// What governs a phase is what git has: the config, the phase overrides and INTENT.md as the
// base branch has them committed. A checkout that differs is refused by the verbs that act
// (never silently followed or ignored), each merge records the definitions that governed it
// (Definitions-Digest), and the audit judges every merge by the definitions committed where
// its run started, so a fresh clone audits exactly what the runner did.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { auditOf, cloneOf } from '../helpers/audit.js';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, repoWithIntent, scriptedConfig, trailersOf, userState, writeFile } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';
import { commitTree, phaseMerges, readCommit, setTrailer, treeWith } from '../helpers/tamper.js';
import type { StatusView } from '../../src/runner/status.js';

const EXTRA_PHASE = {
  id: 5,
  name: 'risk-review',
  title: 'Risk review',
  role: 'planner',
  outputs: ['planning/risks.md'],
  prompt: 'Write planning/risks.md.',
  gate: { checks: [] },
};
const EXTRA_PATH = '.phaserunner/phases/5-risk-review.json';

describe('uncommitted definitions', () => {
  it('are refused by run (78), naming each file and the commit that makes them count, changing nothing', () => {
    const repo = scriptedRepo({}, { approvals: [4] });
    writeFile(repo, '.phaserunner/config.json', JSON.stringify(scriptedConfig({ approvals: [] }), null, 2) + '\n');
    writeFile(repo, EXTRA_PATH, JSON.stringify(EXTRA_PHASE));
    const before = userState(repo);
    const refused = cli(repo, ['run', '--wait']);
    expect(refused.code, refused.stderr).toBe(78);
    expect(refused.stderr).toContain(`phaserunner follows main as committed, and your checkout differs from it in .phaserunner/config.json, ${EXTRA_PATH}`);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe(
      `Next: Commit them: \`git add -- .phaserunner/config.json ${EXTRA_PATH} && git commit -m "Update the phaserunner setup"\` (or undo them with \`git restore --source=main -- .phaserunner/config.json ${EXTRA_PATH}\`).`,
    );
    expect(userState(repo)).toEqual(before);
    expect(existsSync(join(repo, '.git', 'phaserunner'))).toBe(false);
    // The read-only verbs show what governs: the committed definitions, four phases.
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases.map((p) => p.phase)).toEqual([1, 2, 3, 4]);
    expect(status.phases.find((p) => p.phase === 4)?.needs_approval).toBe(true);

    // Committed, exactly as the message says, they govern: five phases, none needing approval.
    git(repo, 'add', '--', '.phaserunner/config.json', EXTRA_PATH);
    git(repo, 'commit', '--quiet', '-m', 'Update the phaserunner setup');
    const run = cli(repo, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(phaseMerges(repo)).toHaveLength(5);
    expect(auditOf(repo)).toMatchObject({ code: 0, report: { ok: true } });
    expect(auditOf(cloneOf(repo))).toMatchObject({ code: 0, report: { ok: true } });
  });

  it('include an edited INTENT.md: refused, where it used to be silently left out of the prompt', () => {
    const repo = scriptedRepo();
    writeFile(repo, 'INTENT.md', '# Shelf\n\nA different project now.\n');
    const refused = cli(repo, ['run']);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('your checkout differs from it in INTENT.md;');
    // An uncommitted INTENT.md is not "missing": it is uncommitted.
    git(repo, 'rm', '--quiet', '--cached', 'INTENT.md');
    git(repo, 'commit', '--quiet', '-m', 'Untrack intent');
    expect(cli(repo, ['run']).stderr).toContain('your checkout differs from it in INTENT.md;');
  });

  it('on another branch: refused with a way that works from there', () => {
    const repo = scriptedRepo();
    git(repo, 'switch', '--quiet', '-c', 'feature');
    commitFile(repo, '.phaserunner/config.json', JSON.stringify(scriptedConfig({ max_attempts: 5 }), null, 2) + '\n');
    const refused = cli(repo, ['run']);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('(Your checkout is on branch feature, not main.)');
    expect(refused.stderr.trim().split('\n').at(-1)).toBe('Next: Bring the changes to main (merge feature into it, or commit them there), or undo them here with `git restore --source=main -- .phaserunner/config.json`.');
  });

  it('a config never committed: refused until it is, then every merge audits clean on a fresh clone', () => {
    const repo = repoWithIntent();
    writeFile(repo, '.phaserunner/config.json', JSON.stringify(scriptedConfig(), null, 2) + '\n');
    const refused = cli(repo, ['run']);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('your checkout differs from it in .phaserunner/config.json;');
    // Read-only, on the same repository and on a clone of it: the built-in definitions.
    for (const dir of [repo, cloneOf(repo)]) {
      for (const verb of ['status', 'log', 'audit']) {
        const result = cli(dir, [verb]);
        expect(result.code, `${verb}: ${result.stderr}`).toBe(0);
      }
    }
    // Status says what to do: commit what the checkout has; on the clone, set up.
    expect(json<StatusView>(cli(repo, ['status', '--json']))).toMatchObject({
      configured: false,
      next: 'phaserunner is set up in your checkout but not on main, whose committed definitions govern every run: commit it (`git add .phaserunner INTENT.md && git commit -m "Set up phaserunner"`), then `phaserunner run --wait`.',
    });
    const clone = cli(cloneOf(repo), ['status']);
    expect(clone.stdout).toContain('planning on main: not set up (the built-in phases)');
    expect(clone.stdout).toContain('Next: phaserunner is not set up on main (this shows its built-in phases): run `phaserunner init`, commit .phaserunner/ and INTENT.md, then `phaserunner run --wait`.');
    git(repo, 'add', '.phaserunner');
    git(repo, 'commit', '--quiet', '-m', 'Set up phaserunner');
    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    expect(auditOf(cloneOf(repo))).toMatchObject({ code: 0, report: { ok: true } });
  });
});

describe('definitions that change on the base', () => {
  it('govern the phases dispatched after the change; each merge is judged by its own, on a fresh clone too', () => {
    const repo = scriptedRepo({}, { approvals: [] });
    expect(cli(repo, ['run', '--wait', '--until', '2']).code).toBe(0);
    // Phase 4 needs approval from now on, and a fifth phase is added.
    commitFile(repo, '.phaserunner/config.json', JSON.stringify(scriptedConfig({ approvals: [4] }), null, 2) + '\n', 'Approve the task plan');
    commitFile(repo, EXTRA_PATH, JSON.stringify(EXTRA_PHASE), 'Add a risk review');
    expect(cli(repo, ['run', '--wait']).code).toBe(2); // phase 4 awaits approval
    expect(cli(repo, ['approve', '4', '--by', 'Ada']).code).toBe(0);
    expect(cli(repo, ['run', '--wait']).code).toBe(0);
    const merges = phaseMerges(repo);
    expect(merges).toHaveLength(5);
    // Phases 1-2 were governed by the first config, 3-5 by the second: different digests for
    // the same phase definition once its approval rule changed.
    expect(trailersOf(repo, merges[3] ?? '')['Definitions-Digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
    for (const dir of [repo, cloneOf(repo)]) expect(auditOf(dir)).toMatchObject({ code: 0, report: { ok: true } });
  });

  it('an in-flight run keeps the definitions it was dispatched under, even if its phase is removed meanwhile', () => {
    const repo = scriptedRepo({ '5': 'slow' });
    commitFile(repo, EXTRA_PATH, JSON.stringify(EXTRA_PHASE));
    expect(cli(repo, ['run', '--wait', '--until', '4']).code).toBe(0);
    expect(cli(repo, ['run']).code).toBe(0); // phase 5 dispatched
    git(repo, 'rm', '--quiet', EXTRA_PATH);
    git(repo, 'commit', '--quiet', '-m', 'No risk review after all');
    const resumed = cli(repo, ['run', '--wait']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(phaseMerges(repo)).toHaveLength(5);
    expect(auditOf(cloneOf(repo))).toMatchObject({ code: 0, report: { ok: true } });
  });

  it('a forger who rewires a phase onto definitions without its approval is caught (definitions-mismatch)', () => {
    const repo = scriptedRepo({}, { approvals: [4] });
    expect(cli(repo, ['run', '--wait']).code).toBe(2);
    expect(cli(repo, ['approve', '4', '--by', 'Ada']).code).toBe(0);
    const clone = cloneOf(repo);
    const merge4 = readCommit(clone, 'main');
    const phase4 = readCommit(clone, merge4.parents[1] ?? '');
    const start = readCommit(clone, phase4.parents[0] ?? '');
    // The start of phase 4, with a config that needs no approval; the phase commit moved onto
    // it; the merge without its Approved-* trailers. Every digest of the outputs still holds.
    const relaxed = commitTree(clone, { ...start, tree: treeWith(clone, start.tree, '.phaserunner/config.json', JSON.stringify(scriptedConfig({ approvals: [] }))) });
    const moved = commitTree(clone, { ...phase4, parents: [relaxed] });
    let message = merge4.message;
    for (const key of ['Approved-By', 'Approved-At', 'Approved-Digest']) message = setTrailer(message, key, null);
    git(clone, 'update-ref', 'refs/heads/main', commitTree(clone, { ...merge4, parents: [merge4.parents[0] ?? '', moved], message }));
    const { code, report } = auditOf(clone);
    expect(code).toBe(3);
    expect(report.findings.map((f) => [f.code, f.phase])).toContainEqual(['definitions-mismatch', 4]);
  });
});

describe('definitions in a repository set up only in the checkout', () => {
  it('a phase merge forged by hand where phaserunner was never set up is caught', () => {
    const repo = repoWithIntent();
    const clean = cli(repo, ['audit', '--json']);
    expect(clean.code).toBe(0);
    // A merge claiming to be phase 1, written by hand.
    git(repo, 'switch', '--quiet', '-c', 'side');
    commitFile(repo, 'planning/architecture.md', '# Architecture\n', 'forged');
    git(repo, 'switch', '--quiet', 'main');
    git(repo, 'merge', '--quiet', '--no-ff', 'side', '-m', 'planning: merge phase 1\n\nWorkstream: planning\nPhase: 1\nPhase-Name: architecture-baseline');
    const { code, report } = auditOf(repo);
    expect(code).toBe(3);
    expect(report.findings.length).toBeGreaterThan(0);
  });
});
