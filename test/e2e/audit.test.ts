// `phaserunner audit` against a real planning history: clean when untouched (with the store
// and on a fresh clone without it), and a corpus of single-point tampers, each caught with
// the finding code that names it.
import { createHash } from 'node:crypto';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../src/audit/findings.js';
import { cli, json } from '../helpers/cli.js';
import { writeStore } from '../helpers/store.js';
import { testEnv } from '../helpers/env.js';
import { git, tempDir, trailersOf } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';
import { append, commitTree, phaseMerges, readCommit, rewrite, setTrailer, treeWith, type RawCommit } from '../helpers/tamper.js';

interface Finding {
  code: string;
  phase: number | null;
  commit: string | null;
  message: string;
}

interface Report {
  ok: boolean;
  store: string;
  commits: number;
  phases: { phase: number; merged: boolean; merge: string | null; commit: string | null; approved_by: string | null; findings: number }[];
  findings: Finding[];
}

function audit(repo: string): { code: number | null; report: Report } {
  return auditWith(repo, ['audit', '--json']);
}

function auditWith(repo: string, args: string[]): { code: number | null; report: Report } {
  const result = cli(repo, args);
  return { code: result.code, report: json<Report>(result) };
}

const ZERO = `sha256:${'0'.repeat(64)}`;

/** History: phases 1-4 merged, phase 4 rejected once and then approved (the rejected commit is kept). */
let pristine: string;
let m: string[]; // the four phase merges, oldest first
let p: string[]; // their phase commits
let rejected: string; // the rejected attempt of phase 4

beforeAll(() => {
  pristine = scriptedRepo({}, { approvals: [4] });
  expect(cli(pristine, ['run', '--wait']).code).toBe(2);
  expect(cli(pristine, ['reject', '4', '--by', 'Ada', '--reason', 'Split T-001.']).code).toBe(0);
  expect(cli(pristine, ['run', '--wait']).code).toBe(2);
  expect(cli(pristine, ['approve', '4', '--by', 'Ada']).code).toBe(0);
  m = phaseMerges(pristine);
  p = m.map((sha) => git(pristine, 'rev-parse', `${sha}^2`));
  const first = runsOf(pristine).find((r) => r.phase === 4 && r.attempt === 1);
  rejected = git(pristine, 'rev-parse', `refs/phaserunner/attempts/${first?.run_id ?? ''}`);
}, 120_000);

/** A fresh clone: no store, as a teammate would have it. */
function cloneOf(): string {
  const dir = join(tempDir(), 'clone');
  git(pristine, 'clone', '--quiet', pristine, dir);
  return dir;
}

/** A full copy, store included, for store cross-checks. */
function copyOf(): string {
  const dir = join(tempDir(), 'copy');
  cpSync(pristine, dir, { recursive: true });
  return dir;
}

const at = (i: number): string => m[i] ?? '';
const pc = (i: number): string => p[i] ?? '';

/** Rewrites merge i's message with `edit`. */
const editMerge = (repo: string, i: number, edit: (msg: string) => string): string => rewrite(repo, at(i), (c) => ({ ...c, message: edit(c.message) }));

/** Replaces merge i's phase commit by `make(original phase commit)`. */
const replacePhaseCommit = (repo: string, i: number, make: (c: RawCommit) => Omit<RawCommit, 'sha'>): string => {
  const replaced = commitTree(repo, make(readCommit(repo, pc(i))));
  return rewrite(repo, at(i), (c) => ({ ...c, parents: [c.parents[0] ?? '', replaced] }));
};

/** A file's new content as a tree change, and the Artifacts-Digest of a phase whose only output it is. */
const forgedOutput = (repo: string, path: string, content: string): { tree: (t: string) => string; digest: string } => {
  const oid = execFileSync('git', ['hash-object', '--stdin'], { cwd: repo, env: testEnv(), input: content, encoding: 'utf8' }).trim();
  return {
    tree: (t) => treeWith(repo, t, path, content),
    digest: 'sha256:' + createHash('sha256').update(`${path}\0${oid}\n`).digest('hex'),
  };
};

/** The task graph at `tree` with its first and last tasks depending on each other: a cycle. */
const cyclicTasks = (repo: string, tree: string): string => {
  const data = JSON.parse(git(repo, 'show', `${tree}:planning/tasks.json`)) as { tasks: { id: string; depends_on: string[] }[] };
  const [first, last] = [data.tasks[0], data.tasks.at(-1)];
  if (first === undefined || last === undefined || first === last) throw new Error('the task graph needs two tasks');
  first.depends_on = [last.id];
  last.depends_on = [first.id];
  return JSON.stringify(data, null, 2) + '\n';
};

interface Tamper {
  readonly name: string;
  readonly code: string;
  /** The phase the finding is about (null: about no phase). */
  readonly phase: number | null;
  /** Needs the store (a copy), not a fresh clone. */
  readonly store?: boolean;
  /** Applies the tamper; returns what it wrote (a commit id, or rows changed). */
  readonly apply: (repo: string) => unknown;
}

const TAMPERS: readonly Tamper[] = [
  { name: 'a rewritten Phase-Name', code: 'phase-name-mismatch', phase: 2, apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Phase-Name', 'gap-analyses')) },
  { name: 'a rewritten Artifacts-Digest', code: 'digest-mismatch', phase: 2, apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Artifacts-Digest', ZERO)) },
  {
    name: 'a replan record that changes a file',
    code: 'record-changes-files',
    phase: 2,
    apply: (r) => {
      const tip = readCommit(r, 'main');
      const message = 'planning: replan from phase 2 gap-analysis\n\nWorkstream: planning\nRecord: replan\nPhase: 2\nRecorded-By: Mallory\nRecorded-At: 2026-01-01T00:00:00.000Z';
      return append(r, { tree: treeWith(r, tip.tree, 'planning/gap-analysis.md', '# Rewritten by a record\n'), parents: [tip.sha], message });
    },
  },
  {
    name: 'a Definitions-Digest naming definitions git does not have',
    code: 'definitions-mismatch',
    phase: 2,
    apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Definitions-Digest', ZERO)),
  },
  { name: 'a removed trailer', code: 'trailer-missing', phase: 2, apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Role', null)) },
  { name: 'a malformed trailer value', code: 'trailer-malformed', phase: 2, apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Attempt', 'first')) },
  { name: 'a duplicated trailer', code: 'trailer-duplicate', phase: 2, apply: (r) => editMerge(r, 1, (s) => `${s}\nPhase: 2`) },
  { name: 'a phase number the workstream lacks', code: 'phase-unknown', phase: null, apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Phase', '9')) },
  { name: 'a non-zero agent exit code', code: 'nonzero-exit', phase: 2, apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Exit-Code', '1')) },
  { name: 'a rewritten Agent (merge and phase commit disagree)', code: 'merge-parent-mismatch', phase: 2, apply: (r) => editMerge(r, 1, (s) => setTrailer(s, 'Agent', 'claude')) },
  {
    name: 'the phase commit replaced by an untrailed one',
    code: 'merge-parent-untrailed',
    phase: 2,
    apply: (r) => replacePhaseCommit(r, 1, (c) => ({ ...c, message: 'hand-written analysis\n' })),
  },
  {
    name: 'a phase commit from another run',
    code: 'merge-parent-mismatch',
    phase: 2,
    apply: (r) => replacePhaseCommit(r, 1, (c) => ({ ...c, message: setTrailer(c.message, 'Run-Id', '01ARZ3NDEKTSV4RRFFQ69G5FAV') })),
  },
  {
    name: 'an artifact changed in the phase commit',
    code: 'phase-digest-mismatch',
    phase: 2,
    apply: (r) => replacePhaseCommit(r, 1, (c) => ({ ...c, tree: treeWith(r, c.tree, 'planning/gap-analysis.md', '# Gap analysis\n\n## Gaps\n\nSwapped.\n') })),
  },
  {
    name: 'a file outside the outputs smuggled into the phase commit',
    code: 'phase-commit-outside-outputs',
    phase: 2,
    apply: (r) => replacePhaseCommit(r, 1, (c) => ({ ...c, tree: treeWith(r, c.tree, 'src/backdoor.js', 'evil()\n') })),
  },
  {
    name: 'an artifact amended after approval',
    code: 'approval-digest-mismatch',
    phase: 4,
    apply: (r) => rewrite(r, at(3), (c) => ({ ...c, tree: treeWith(r, c.tree, 'planning/tasks.json', '{"version":1,"tasks":[]}\n') })),
  },
  { name: 'a forged approval with the wrong digest', code: 'approval-digest-mismatch', phase: 4, apply: (r) => editMerge(r, 3, (s) => setTrailer(s, 'Approved-Digest', ZERO)) },
  {
    name: 'the approval removed',
    code: 'approval-missing',
    phase: 4,
    apply: (r) => editMerge(r, 3, (s) => setTrailer(setTrailer(setTrailer(s, 'Approved-By', null), 'Approved-At', null), 'Approved-Digest', null)),
  },
  { name: 'part of the approval removed', code: 'approval-incomplete', phase: 4, apply: (r) => editMerge(r, 3, (s) => setTrailer(s, 'Approved-At', null)) },
  {
    name: 'a phase merged twice (same run)',
    code: 'run-merged-twice',
    phase: 3,
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha, pc(2)], message: readCommit(r, at(2)).message });
    },
  },
  {
    name: 'a phase merged again by another run',
    code: 'phase-merged-twice',
    phase: 3,
    apply: (r) => {
      const tip = readCommit(r, 'main');
      const other = readCommit(r, pc(2));
      const runId = '01ARZ3NDEKTSV4RRFFQ69G5FAV';
      const again = commitTree(r, { ...other, message: setTrailer(other.message, 'Run-Id', runId) });
      append(r, { tree: tip.tree, parents: [tip.sha, again], message: setTrailer(readCommit(r, at(2)).message, 'Run-Id', runId) });
    },
  },
  {
    name: 'phases merged out of order',
    code: 'phase-out-of-order',
    phase: 2,
    apply: (r) => {
      const [c2, c1, c3] = [readCommit(r, at(2)), readCommit(r, at(1)), readCommit(r, at(3))];
      const first = commitTree(r, { ...c2, parents: [at(0), pc(2)] });
      const second = commitTree(r, { ...c1, tree: c2.tree, parents: [first, pc(1)] });
      const third = commitTree(r, { ...c3, parents: [second, pc(3)] });
      git(r, 'update-ref', 'refs/heads/main', third);
    },
  },
  { name: 'the base rewritten with a merge removed', code: 'phase-skipped', phase: 3, apply: (r) => rewrite(r, at(1), () => null) },
  {
    name: 'a required output that fails its gate, with digests forged to match',
    code: 'output-missing',
    phase: 2,
    apply: (r) => {
      const path = 'planning/gap-analysis.md';
      const forged = forgedOutput(r, path, '# Gap analysis\n\nNothing to see.\n');
      replacePhaseCommit(r, 1, (c) => ({ ...c, tree: forged.tree(c.tree), message: setTrailer(c.message, 'Artifacts-Digest', forged.digest) }));
      const merges = git(r, 'rev-list', '--first-parent', '--merges', '--reverse', 'main').split('\n');
      rewrite(r, merges[1] ?? '', (c) => ({ ...c, tree: forged.tree(c.tree), message: setTrailer(c.message, 'Artifacts-Digest', forged.digest) }));
    },
  },
  {
    name: 'a committed task graph with a dependency cycle (nothing recomputed)',
    code: 'output-missing',
    phase: 4,
    apply: (r) => rewrite(r, at(3), (c) => ({ ...c, tree: treeWith(r, c.tree, 'planning/tasks.json', cyclicTasks(r, c.tree)) })),
  },
  {
    name: 'an output edited on the base outside any phase run',
    code: 'drift',
    phase: 1,
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: treeWith(r, tip.tree, 'planning/architecture.md', '# Architecture\n\n## Components\n\nRewritten by hand.\n'), parents: [tip.sha], message: 'Tweak the architecture\n' });
    },
  },
  {
    name: 'a hand-made commit with copied trailers',
    code: 'copied-trailers',
    phase: 3,
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha], message: readCommit(r, at(2)).message });
    },
  },
  {
    name: 'a cherry-picked phase commit without its merge',
    code: 'phase-commit-not-merged',
    phase: 4,
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha], message: readCommit(r, rejected).message });
    },
  },
  {
    name: 'a phase commit merged by hand',
    code: 'hand-merged',
    phase: 4,
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha, rejected], message: "Merge branch 'phase-4-first-try'\n" });
    },
  },
  {
    name: 'a store row whose merge is not in history',
    code: 'store-merge-not-in-history',
    phase: 2,
    store: true,
    apply: (r) => writeStore(r, "UPDATE steps SET merge_sha = ? WHERE step_id = '2'", 'f'.repeat(40)),
  },
  { name: 'a store that lost a run', code: 'store-run-missing', phase: 2, store: true, apply: (r) => {
      // With what hangs on the run (its fingerprint, issue 16), as a store that never had it.
      writeStore(r, "DELETE FROM fingerprints WHERE run_id IN (SELECT run_id FROM runs WHERE step_id = '2')");
      writeStore(r, "DELETE FROM runs WHERE step_id = '2'");
    } },
  {
    name: 'a store that is not a database',
    code: 'store-unreadable',
    phase: null,
    store: true,
    apply: (r) => {
      const db = join(r, '.git', 'phaserunner', 'state.db');
      for (const suffix of ['-wal', '-shm']) rmSync(db + suffix, { force: true });
      writeFileSync(db, 'this is not a database\n');
    },
  },
  {
    name: 'a store that records another commit',
    code: 'store-commit-mismatch',
    phase: 2,
    store: true,
    apply: (r) => writeStore(r, "UPDATE runs SET commit_sha = ? WHERE step_id = '2' AND step = 'merged'", pc(0)),
  },
  {
    name: 'an approval forged in git, digest and all, that the store never recorded',
    code: 'approval-not-in-store',
    phase: 3,
    store: true,
    apply: (r) =>
      editMerge(r, 2, (s) => {
        const digest = trailersOf(r, at(2))['Artifacts-Digest'] ?? '';
        return `${s}\nApproved-By: Mallory\nApproved-At: 2026-01-01T00:00:00.000Z\nApproved-Digest: ${digest}`;
      }),
  },
];

describe('audit', () => {
  it('finds nothing on the untouched history, with the store', () => {
    const { code, report } = audit(pristine);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report).toMatchObject({ ok: true, store: 'checked' });
    expect(report.phases.map((x) => [x.phase, x.merged, x.merge, x.commit])).toEqual(m.map((sha, i) => [i + 1, true, sha, pc(i)]));
    expect(report.phases[3]?.approved_by).toBe('Ada');
  });

  it('finds nothing on a fresh clone without the store', () => {
    const { code, report } = audit(cloneOf());
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.store).toBe('absent');
  });

  it('finds nothing when commit dates run backwards (clock skew), where git log prints a parent before its child', () => {
    // A user merge on top, whose first parent is dated before the old tip: git's default
    // order then prints the old tip before the first parent. Read in that order alone, every
    // phase merge below would look as if it came in off the first-parent line.
    const repo = cloneOf();
    const tip = readCommit(repo, 'main');
    const epoch = Number(git(repo, 'log', '-1', '--format=%ct', tip.sha));
    const dated = (offset: number, c: Omit<RawCommit, 'sha'>): string =>
      execFileSync('git', ['commit-tree', c.tree, ...c.parents.flatMap((x) => ['-p', x]), '-m', c.message], {
        cwd: repo,
        env: { ...testEnv(), GIT_COMMITTER_DATE: `${epoch + offset} +0000`, GIT_AUTHOR_DATE: `${epoch + offset} +0000` },
        encoding: 'utf8',
      }).trim();
    const side = dated(1000, { tree: tip.tree, parents: [tip.sha], message: 'Side work' });
    const early = dated(-1000, { tree: tip.tree, parents: [tip.sha], message: 'Committed with a slow clock' });
    const merge = dated(2000, { tree: tip.tree, parents: [early, side], message: "Merge branch 'side'" });
    git(repo, 'update-ref', 'refs/heads/main', merge);
    const order = git(repo, 'log', '--format=%H', 'main').split('\n');
    expect(order.indexOf(tip.sha)).toBeLessThan(order.indexOf(early)); // the skew this test is about
    const { code, report } = audit(repo);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.phases.map((x) => x.merge)).toEqual(m);
    // The timeline follows the same line.
    expect(json<{ entries: { merge: string }[] }>(cli(repo, ['log', '--json'])).entries.map((e) => e.merge)).toEqual(m);
  });

  it('audits an older point with --ref, and refuses a ref that names no commit (exit 64)', () => {
    const repo = cloneOf();
    const older = auditWith(repo, ['audit', '--json', '--ref', m[1] ?? '']);
    expect(older.report.findings).toEqual([]);
    expect(older.report.phases.map((x) => x.merged)).toEqual([true, true, false, false]);
    // With the store too: its later merges are in the base's history, not the older point's.
    const withStore = auditWith(copyOf(), ['audit', '--json', '--ref', m[1] ?? '']);
    expect(withStore.code, JSON.stringify(withStore.report.findings)).toBe(0);
    expect(withStore.report).toMatchObject({ store: 'checked', findings: [] });
    for (const verb of ['audit', 'log']) {
      const refused = cli(repo, [verb, '--ref', 'no-such-branch']);
      expect(refused.code).toBe(64);
      expect(refused.stderr).toContain('--ref "no-such-branch" names no commit');
      expect(refused.stdout).toBe('');
    }
  });

  it('lists findings by phase, and within a phase oldest commit first', () => {
    const repo = cloneOf();
    const copy = readCommit(repo, pc(0)).message;
    const older = append(repo, { tree: readCommit(repo, 'main').tree, parents: [readCommit(repo, 'main').sha], message: `Copy one\n\n${copy.split('\n\n').at(-1) ?? ''}` });
    const newer = append(repo, { tree: readCommit(repo, 'main').tree, parents: [older], message: `Copy two\n\n${copy.split('\n\n').at(-1) ?? ''}` });
    const { report } = audit(repo);
    expect(report.findings.map((f) => [f.code, f.commit])).toEqual([
      ['copied-trailers', older],
      ['copied-trailers', newer],
    ]);
  });

  it('has a tamper corpus of at least 20 single-point tampers, covering every finding code', () => {
    expect(TAMPERS.length).toBeGreaterThanOrEqual(20);
    // Found only by `audit --commands` in a repository whose gates run commands: its own test
    // tampers with what such a command sees (test/e2e/audit-commands.test.ts).
    // The execution workstream's own codes: its tamper corpus runs on a history with task merges
    // (test/e2e/audit-execution.test.ts).
    const elsewhere = ['command-failed', 'plan-unknown', 'task-unknown', 'task-digest-mismatch', 'task-outside-writes', 'task-merged-twice', 'task-dependency-not-merged', 'task-commit-not-merged'];
    expect([...new Set([...TAMPERS.map((t) => t.code), ...elsewhere])].sort()).toEqual(Object.keys(FINDING_CODES).sort());
  });

  it.each(TAMPERS)('detects $name as $code', (tamper) => {
    const repo = tamper.store === true ? copyOf() : cloneOf();
    tamper.apply(repo);
    const { code, report } = audit(repo);
    expect(code).toBe(3);
    expect(report.ok).toBe(false);
    const found = report.findings.map((f) => ({ code: f.code, phase: f.phase }));
    expect(found, JSON.stringify(report.findings, null, 2)).toContainEqual({ code: tamper.code, phase: tamper.phase });
    const finding = report.findings.find((f) => f.code === tamper.code && f.phase === tamper.phase);
    expect(finding?.message.length).toBeGreaterThan(20);
    expect(finding?.message).not.toContain('\n');
    // An unreadable store is about no commit; every other finding names one.
    if (tamper.code === 'store-unreadable') expect(finding?.commit).toBeNull();
    else expect(finding?.commit).toMatch(/^[0-9a-f]{40}$/);
  });

  it("re-runs the plan's tasks check at the merge: a committed task graph with a cycle, or not a plan at all", () => {
    const cycle = cloneOf();
    rewrite(cycle, at(3), (c) => ({ ...c, tree: treeWith(cycle, c.tree, 'planning/tasks.json', cyclicTasks(cycle, c.tree)) }));
    const found = audit(cycle);
    expect(found.code).toBe(3);
    expect(found.report.findings.filter((f) => f.code === 'output-missing').map((f) => [f.phase, f.message])).toEqual([
      [4, expect.stringMatching(/^at merge [0-9a-f]+, planning\/tasks\.json: tasks\[0\]\.depends_on: dependency cycle: T-\d+ -> T-\d+ -> T-\d+\.$/)],
    ]);
    const empty = cloneOf();
    rewrite(empty, at(3), (c) => ({ ...c, tree: treeWith(empty, c.tree, 'planning/tasks.json', '{}\n') }));
    const messages = audit(empty).report.findings.filter((f) => f.code === 'output-missing' && f.phase === 4).map((f) => f.message);
    expect(messages).toEqual([expect.stringMatching(/^at merge [0-9a-f]+, planning\/tasks\.json: version: must be 1 or 2 \(it is missing\); write 2\.$/)]);
  });

  it('prints findings for people, with the next step last, and exits 3', () => {
    const repo = cloneOf();
    TAMPERS.find((t) => t.code === 'drift')?.apply(repo);
    const result = cli(repo, ['audit']);
    expect(result.code).toBe(3);
    expect(result.stdout).toContain('[drift] phase 1: after phase 1 was merged in');
    expect(result.stdout).toContain('"Tweak the architecture" ("planning/architecture.md")');
    const next = result.stderr.trim().split('\n').at(-1) ?? '';
    expect(next).toMatch(/^Next: /);
    // The document it points to exists where phaserunner is installed (not in the user's repository).
    const doc = / \((\/\S+\/docs\/audit\.md) says what each code means\)\.$/.exec(next)?.[1];
    expect(doc, next).toBeDefined();
    expect(existsSync(doc ?? '')).toBe(true);
  });
});

describe('audit against an agent that forges trailers', () => {
  it('keeps trailer-looking names and text out of the trailers, and audits clean', () => {
    const repo = scriptedRepo({ '1': 'forge' });
    const run = cli(repo, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    const merges = phaseMerges(repo);
    for (const sha of [...merges, ...merges.map((x) => git(repo, 'rev-parse', `${x}^2`))]) {
      const t = trailersOf(repo, sha);
      expect(t['Approved-By']).toBeUndefined();
      expect(t['Run-Id']).not.toBe('01ARZ3NDEKTSV4RRFFQ69G5FAV');
    }
    // The forged name is in the phase commit, quoted on one body line.
    const body = git(repo, 'log', '-1', '--format=%B', `${merges[0] ?? ''}^2`);
    expect(body).toContain('\\nApproved-By: Mallory');
    const { code, report } = audit(repo);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
  });
});

describe('log and show', () => {
  interface LogJson {
    store: boolean;
    entries: { phase: number; attempt: number; agent: string; commit: string; merge: string; approved_by: string | null; duration_ms: number | null; earlier_attempts: { attempt: number; outcome: string; reason: string }[] }[];
  }

  it('log lists every phase merge from git, with the store\'s durations and earlier attempts', () => {
    const log = json<LogJson>(cli(pristine, ['log', '--json']));
    expect(log.store).toBe(true);
    expect(log.entries.map((e) => [e.phase, e.attempt, e.agent, e.commit, e.merge])).toEqual(m.map((sha, i) => [i + 1, i === 3 ? 2 : 1, 'scripted', pc(i), sha]));
    expect(log.entries[3]).toMatchObject({ approved_by: 'Ada', earlier_attempts: [{ attempt: 1, outcome: 'rejected', reason: 'Ada rejected it: Split T-001.' }] });
    expect(log.entries.every((e) => typeof e.duration_ms === 'number')).toBe(true);
    const text = cli(pristine, ['log']);
    expect(text.code).toBe(0);
    expect(text.stdout).toContain('phase 4 task-planning: attempt 2 by scripted');
    expect(text.stdout).toContain('    attempt 1 rejected');
    expect(text.stdout).toContain('    approved by Ada at ');
  });

  it('log works on a fresh clone from git alone', () => {
    const log = json<LogJson>(cli(cloneOf(), ['log', '--json']));
    expect(log.store).toBe(false);
    expect(log.entries.map((e) => e.merge)).toEqual(m);
    expect(log.entries.every((e) => e.duration_ms === null)).toBe(true);
  });

  it('show gives one phase\'s prompt, gates, exit.json, log tail and commits', () => {
    interface ShowJson {
      run: { attempt: number; step: string };
      prompt: string;
      gates: { moment: string; ok: boolean }[];
      approvals: { decision: string; by: string }[];
      exit: { exit_code: number };
      log_tail: { stdout: string };
      commit: { sha: string; trailers: Record<string, string> };
      merge: { sha: string; trailers: Record<string, string> };
    }
    const latest = json<ShowJson>(cli(pristine, ['show', '4', '--json']));
    expect(latest.run).toMatchObject({ attempt: 2, step: 'merged' });
    expect(latest.prompt).toContain('Attempt 1 passed the gate, but was not approved. Ada rejected it: Split T-001.');
    expect(latest.gates.map((g) => [g.moment, g.ok])).toEqual([['beforeDispatch', true], ['beforeAdvance', true]]);
    expect(latest.approvals).toEqual([expect.objectContaining({ decision: 'approved', by: 'Ada' })]);
    expect(latest.exit.exit_code).toBe(0);
    expect(latest.log_tail.stdout).toContain('[scripted planner] done');
    expect(latest.commit.sha).toBe(pc(3));
    expect(latest.merge).toMatchObject({ sha: at(3), trailers: { 'Approved-By': 'Ada', Phase: '4' } });
    const first = json<ShowJson>(cli(pristine, ['show', '4', '--attempt', '1', '--json']));
    expect(first.run).toMatchObject({ attempt: 1, step: 'rejected' });
    expect(first.approvals).toEqual([expect.objectContaining({ decision: 'rejected' })]);
    const text = cli(pristine, ['show', '2']);
    expect(text.stdout).toContain('== prompt');
    expect(text.stdout).toContain(`merge ${at(1)}: planning: merge phase 2 gap-analysis into main`);
  });

  it('show refuses an unknown phase or attempt (exit 64)', () => {
    expect(cli(pristine, ['show', '9']).code).toBe(64);
    const result = cli(pristine, ['show', '4', '--attempt', '5']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('phase 4 has no attempt 5; it has had 2.');
  });
});
