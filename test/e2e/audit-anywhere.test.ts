// `audit` (and `log`, `status`) where it will actually run: CI's shallow clones and detached
// checkouts without local branches, a tag named like the base branch, a bare repository on a
// server, and a base branch with a slash driven from a linked worktree. Each starts from a
// real finished planning history (phase 4 approved by a person).
import { cpSync, existsSync, realpathSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, json, type CliResult } from '../helpers/cli.js';
import { commitFile, DEMO_INTENT, git, repoWithIntent, scriptedConfig, tempDir, writeFile } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';
import { phaseMerges, rewrite, setTrailer } from '../helpers/tamper.js';

interface Finding {
  code: string;
  phase: number | null;
  commit: string | null;
  message: string;
}

interface Unchecked {
  phase: number | null;
  commit: string | null;
  what: string;
}

interface Report {
  ok: boolean;
  ref: string;
  tip: string;
  phases: { phase: number; merged: boolean; merge: string | null; commit: string | null; approved_by: string | null; findings: number }[];
  findings: Finding[];
  shallow: { boundary: string[]; unchecked: Unchecked[] } | null;
}

interface LogJson {
  entries: { phase: number; merge: string; commit: string | null }[];
  shallow: { boundary: string[] } | null;
}

function audit(dir: string, args: string[] = []): { code: number | null; report: Report } {
  const result = cli(dir, ['audit', '--json', ...args]);
  return { code: result.code, report: json<Report>(result) };
}

const short = (sha: string): string => sha.slice(0, 12);

/** Phases 1-4 merged, phase 4 approved by Ada. */
let pristine: string;
let m: string[]; // the four phase merges, oldest first
let p: string[]; // their phase commits

beforeAll(() => {
  pristine = scriptedRepo({}, { approvals: [4] });
  expect(cli(pristine, ['run', '--wait']).code).toBe(2);
  expect(cli(pristine, ['approve', '4', '--by', 'Ada']).code).toBe(0);
  m = phaseMerges(pristine);
  p = m.map((sha) => git(pristine, 'rev-parse', `${sha}^2`));
}, 120_000);

const at = (i: number): string => m[i] ?? '';
const pc = (i: number): string => p[i] ?? '';

/** A clone of `from` (a shallow one with `depth`: a local path is cloned in full unless given as a URL). */
function clone(from: string, depth?: number, extra: string[] = []): string {
  const dir = join(tempDir(), 'clone');
  const source = depth === undefined ? from : `file://${from}`;
  git(tempDir(), 'clone', '--quiet', ...(depth === undefined ? [] : ['--depth', String(depth)]), ...extra, source, dir);
  return dir;
}

/** As CI checks out: detached at origin's branch, no local branches. */
function ciCheckout(from: string): string {
  const dir = clone(from);
  git(dir, 'checkout', '--quiet', '--detach', 'origin/main');
  git(dir, 'branch', '--quiet', '-D', 'main');
  expect(git(dir, 'for-each-ref', 'refs/heads')).toBe('');
  return dir;
}

describe('a shallow clone', () => {
  // depth: the merges it has (oldest first), where its history is cut.
  const cases = [
    { depth: 1, has: [3], cut: 3 },
    { depth: 2, has: [2, 3], cut: 2 },
    { depth: 3, has: [1, 2, 3], cut: 1 },
  ];

  it.each(cases)('--depth $depth: audits what it has (exit 0), names the cut and what could not be checked there', ({ depth, has, cut }) => {
    const dir = clone(pristine, depth);
    expect(git(dir, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const { code, report } = audit(dir);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    // The merge at the cut is recognised as a merge, though git log shows it without parents.
    expect(report.phases.filter((ph) => ph.merged).map((ph) => ph.merge)).toEqual(has.map(at));
    expect(report.phases.find((ph) => ph.phase === cut + 1)).toMatchObject({ merged: true, commit: pc(cut), findings: 0 });
    expect(report.phases.find((ph) => ph.phase === 4)).toMatchObject({ merged: true, approved_by: 'Ada' });
    expect(report.shallow?.boundary).toEqual([at(cut)]);
    const unchecked = report.shallow?.unchecked ?? [];
    expect(unchecked.map((u) => [u.phase, u.commit])).toEqual([
      [null, at(cut)],
      [cut + 1, at(cut)],
      [cut + 1, at(cut)],
      [cut + 1, at(cut)],
    ]);
    expect(unchecked[0]?.what).toBe(`the phase merges and records before ${short(at(cut))} were not read, and drift after them was not checked.`);
    expect(unchecked[1]?.what).toBe(`merge ${short(at(cut))}'s phase commit ${short(pc(cut))} is not in this clone: its trailers, Artifacts-Digest and scope were not checked.`);
    expect(unchecked[2]?.what).toMatch(/^merge \w{12}: the commit its run started from is not in this clone, so its Definitions-Digest was not compared/);
    const earlier = [1, 2, 3].slice(0, cut);
    expect(unchecked[3]?.what).toContain(`${earlier.length > 1 ? 'phases' : 'phase'} ${earlier.join(', ')} ${earlier.length > 1 ? 'are' : 'is'} not merged in the history this clone has`);

    const human = cli(dir, ['audit']);
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines[1]).toMatch(/^definitions: as committed on main \([0-9a-f]{12}\); each merge judged by those committed where its run started$/);
    expect(lines[2]).toBe(`shallow clone: the history before ${short(at(cut))} is not in this clone; the audit judged only what it has.`);
    expect(lines).toContain('  ✓ phase 1 architecture-baseline: not merged in the history this clone has');
    expect(lines).toContain('No findings in what this clone has.');
    expect(lines).toContain(`Not checked, for want of the history before ${short(at(cut))} (4):`);
    expect(lines.at(-2)).toBe('To audit everything: `git fetch --unshallow`, then `phaserunner audit` again.');

    // Without the store, status does not send a run to rebuild it from part of the history,
    // and a run refuses (78), changing nothing.
    expect(cli(dir, ['status']).stdout.trim().split('\n').at(-1)).toBe(
      'Next: There is no store here, and this clone is shallow: its history of main is cut, so earlier phase merges may not be in it. `phaserunner audit` checks what it has; `git fetch --unshallow` fetches the rest, before any `phaserunner run`.',
    );
    const refs = git(dir, 'for-each-ref');
    const run = cli(dir, ['run']);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain('is a shallow clone: the history before its cut is not here');
    expect(run.stderr.trim().split('\n').at(-1)).toBe('Next: Fetch the whole history (`git fetch --unshallow`), then run this again.');
    expect(git(dir, 'for-each-ref')).toBe(refs);
    expect(existsSync(join(dir, '.git', 'phaserunner', 'state.db'))).toBe(false);

    const log = json<LogJson>(cli(dir, ['log', '--json']));
    expect(log.entries.map((e) => [e.merge, e.commit])).toEqual(has.map((i) => [at(i), pc(i)]));
    expect(log.shallow).toEqual({ boundary: [at(cut)] });
    expect(cli(dir, ['log']).stdout.split('\n')[0]).toBe(
      `(shallow clone: the history before ${short(at(cut))} is not in this clone, so merges made before it are not listed; \`git fetch --unshallow\` fetches it)`,
    );
  });

  it('once unshallowed, audits everything: no cut, nothing unchecked', () => {
    const dir = clone(pristine, 1);
    git(dir, 'fetch', '--quiet', '--unshallow');
    const { code, report } = audit(dir);
    expect(code).toBe(0);
    expect(report.shallow).toBeNull();
    expect(report.phases.map((ph) => ph.merge)).toEqual(m);
    expect(json<LogJson>(cli(dir, ['log', '--json'])).shallow).toBeNull();
  });

  it('still catches a tamper in what it has: a rewritten Artifacts-Digest on the tip merge (exit 3)', () => {
    const forged = clone(pristine);
    rewrite(forged, at(3), (c) => ({ ...c, message: setTrailer(c.message, 'Artifacts-Digest', `sha256:${'0'.repeat(64)}`) }));
    for (const depth of [1, 2]) {
      const { code, report } = audit(clone(forged, depth));
      expect(code).toBe(3);
      expect(report.findings.map((f) => [f.code, f.phase])).toEqual([['digest-mismatch', 4]]);
      expect(report.shallow?.boundary.length).toBe(1);
    }
  });

  it('a merge whose definitions cannot be established there is not judged on its trees, and says so', () => {
    // A merge made before the Definitions-Digest trailer existed: nothing proves which
    // definitions governed it once the commit its run started from is beyond the cut.
    const older = clone(pristine);
    rewrite(older, at(3), (c) => ({ ...c, message: setTrailer(c.message, 'Definitions-Digest', null) }));
    expect(audit(older)).toMatchObject({ code: 0, report: { ok: true, shallow: null } });
    const { code, report } = audit(clone(older, 1));
    expect(code).toBe(0);
    expect(report.findings).toEqual([]);
    expect(report.phases[3]).toMatchObject({ merged: true, findings: 0 });
    expect(report.shallow?.unchecked.map((u) => u.what)).toContain(
      `merge ${short(report.tip)}: the commit its run started from is not in this clone and it records no Definitions-Digest, so which definitions governed it is unknown: its Artifacts-Digest, outputs and approval were not checked.`,
    );
  });
});

describe('a CI checkout: detached at origin/main, no local branch', () => {
  it('audit (of origin/main, --ref origin/main, --ref SHA), log and status work; doctor reports every check', () => {
    const dir = ciCheckout(pristine);
    const tip = at(3);
    for (const args of [[], ['--ref', 'origin/main'], ['--ref', tip]]) {
      const { code, report } = audit(dir, args);
      expect(code).toBe(0);
      expect(report).toMatchObject({ ok: true, tip, shallow: null });
      expect(report.phases.map((ph) => ph.merge)).toEqual(m);
    }
    expect(json<LogJson>(cli(dir, ['log', '--json'])).entries.map((e) => e.merge)).toEqual(m);
    const status = cli(dir, ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout.trim().split('\n').at(-1)).toBe(
      'Next: The store has no record of this work, but origin/main has phases 1, 2, 3, 4 merged, and there is no local branch main: `phaserunner audit` verifies them; to go on, `git branch main origin/main`, then `phaserunner run --wait` rebuilds the store from git.',
    );
    const doctor = cli(dir, ['doctor', '--json']);
    expect(doctor.code).toBe(78);
    const checks = json<{ checks: { name: string; level: string; fix: string | null }[] }>(doctor).checks;
    expect(checks.map((c) => c.name)).toEqual(expect.arrayContaining(['git', 'node', 'repository', 'base', 'agent', 'store', 'worktrees', 'lock', 'signing']));
    expect(checks.filter((c) => c.level === 'fail').map((c) => c.name)).toEqual(['base']);
    expect(checks.find((c) => c.name === 'base')?.fix).toBe("Create it from origin's: `git branch main origin/main`.");
  });
});

describe('a tag named like the base branch', () => {
  const tagged = (dir: string, commit: string): string => {
    git(dir, 'tag', 'main', commit);
    return dir;
  };

  it('is never audited for the branch: in the repository, in a clone of it and in a CI checkout; --ref main is refused (64)', () => {
    const repo = tagged(clone(pristine), git(pristine, 'rev-list', '--max-parents=0', 'main'));
    for (const dir of [repo, clone(repo), ciCheckout(repo)]) {
      expect(git(dir, 'rev-parse', 'refs/tags/main')).not.toBe(at(3));
      const { code, report } = audit(dir);
      expect(code).toBe(0);
      expect(report.tip).toBe(at(3));
      expect(report.phases.map((ph) => ph.merge)).toEqual(m);
      const refused = cli(dir, ['audit', '--ref', 'main', '--json']);
      expect(refused.code).toBe(64);
      expect(json<{ error: { reason: string; detail: { candidates: string[] } } }>(refused).error).toMatchObject({ reason: 'ref-ambiguous' });
    }
  });

  it('does not hide a tampered refs/heads/main, though the tag points at the untampered history', () => {
    const repo = tagged(clone(pristine), at(3));
    rewrite(repo, at(3), (c) => ({ ...c, message: setTrailer(c.message, 'Artifacts-Digest', `sha256:${'0'.repeat(64)}`) }));
    for (const dir of [repo, clone(repo)]) {
      const { code, report } = audit(dir);
      expect(code).toBe(3);
      expect(report.findings.map((f) => f.code)).toEqual(['digest-mismatch']);
    }
  });

  it('lets init set up and plan a repository that has one', () => {
    const repo = repoWithIntent();
    commitFile(repo, 'notes.md', 'later\n');
    const tag = git(repo, 'rev-parse', 'HEAD~1');
    tagged(repo, tag);
    expect(cli(repo, ['init', '--agent', 'scripted']).code).toBe(0);
    git(repo, 'add', '.phaserunner');
    git(repo, 'commit', '--quiet', '-m', 'Set up phaserunner');
    expect(cli(repo, ['run', '--wait']).code).toBe(2);
    expect(cli(repo, ['approve', '4', '--by', 'Ada']).code).toBe(0);
    const { code, report } = audit(repo);
    expect(code).toBe(0);
    expect(report.tip).toBe(git(repo, 'rev-parse', 'refs/heads/main'));
    expect(report.phases.every((ph) => ph.merged)).toBe(true);
    expect(git(repo, 'rev-parse', 'refs/tags/main')).toBe(tag);
  });
});

describe('a bare repository (a server)', () => {
  it('audit, log and status read its history; run refuses, naming it bare; nothing is written', () => {
    const bare = join(realpathSync(tempDir()), 'server.git');
    git(tempDir(), 'clone', '--quiet', '--bare', pristine, bare);
    const before = git(bare, 'for-each-ref');
    const { code, report } = audit(bare);
    expect(code).toBe(0);
    expect(report.phases.map((ph) => ph.merge)).toEqual(m);
    expect(json<LogJson>(cli(bare, ['log', '--json'])).entries.map((e) => e.merge)).toEqual(m);
    const status = cli(bare, ['status']);
    expect(status.code).toBe(0);
    expect(status.stdout.trim().split('\n').at(-1)).toBe(
      'Next: There is no store here, but main has phases 1, 2, 3, 4 merged: `phaserunner audit` verifies them; this bare repository has no working tree, so planning goes on in a checkout of it.',
    );
    const run: CliResult = cli(bare, ['run']);
    expect(run.code).toBe(78);
    expect(run.stderr).toContain(`${bare} is a bare git repository: it has no working tree to plan in`);
    expect(run.stderr.trim().split('\n').at(-1)).toBe(`Next: Run this in a checkout of it: \`git clone ${bare} DIR\`, and run phaserunner there.`);
    expect(git(bare, 'for-each-ref')).toBe(before);
    expect(existsSync(join(bare, 'phaserunner'))).toBe(false);
  });
});

describe('a base branch with a slash, driven from a linked worktree', () => {
  it('plans, approves and audits release/2026; errors name release/2026:<file>, which git can show', () => {
    const repo = tempDir();
    git(repo, 'init', '--quiet', '--initial-branch=release/2026');
    cpSync(DEMO_INTENT, join(repo, 'INTENT.md'));
    writeFile(repo, '.phaserunner/config.json', JSON.stringify(scriptedConfig({ base: 'release/2026', approvals: [4] }), null, 2) + '\n');
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'Set up phaserunner');
    const linked = join(tempDir(), 'linked');
    git(repo, 'worktree', 'add', '--quiet', '-b', 'side', linked);

    expect(cli(linked, ['run', '--wait']).code).toBe(2);
    expect(cli(linked, ['approve', '4', '--by', 'Ada']).code).toBe(0);
    const { code, report } = audit(linked);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ref: 'release/2026', tip: git(repo, 'rev-parse', 'refs/heads/release/2026') });
    expect(report.phases.map((ph) => [ph.merged, ph.findings])).toEqual([[true, 0], [true, 0], [true, 0], [true, 0]]);
    expect(json<LogJson>(cli(linked, ['log', '--json'])).entries.map((e) => e.phase)).toEqual([1, 2, 3, 4]);
    expect(cli(linked, ['status']).stdout.split('\n')[0]).toBe('planning on release/2026: complete');

    // A broken config committed on the base: named as git names it, from the linked worktree too.
    const broken = { ...scriptedConfig({ base: 'release/2026', approvals: [4] }), bogus: 1 };
    git(repo, 'checkout', '--quiet', '--force', 'release/2026');
    commitFile(repo, '.phaserunner/config.json', JSON.stringify(broken, null, 2) + '\n', 'Break the config');
    const status = cli(linked, ['status']);
    expect(status.code).toBe(65);
    expect(status.stderr).toContain('phaserunner: release/2026:.phaserunner/config.json is not a valid config:');
    expect(status.stderr.trim().split('\n').at(-1)).toMatch(/^Next: Fix the field\(s\) above in \.phaserunner\/config\.json, and commit it on release\/2026 /);
    expect(JSON.parse(git(linked, 'show', 'release/2026:.phaserunner/config.json'))).toMatchObject({ bogus: 1 });
  });
});
