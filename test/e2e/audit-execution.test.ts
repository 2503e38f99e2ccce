// `phaserunner audit` on a history with execution merges (issue 17): planning run to the end
// with the real CLI, its plan edited to three tasks and acknowledged, then the tasks committed
// and merged as the git contract says the runner does (test/helpers/execution.ts). Clean when
// untouched, with the store and on a fresh clone; a corpus of single-point tampers, each
// caught with the finding code that names it, about the task it names.
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { landTask, mergeTask, taskCommit, writesDigest, type TaskWork } from '../helpers/execution.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, git, tempDir } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';
import { append, commitTree, readCommit, rewrite, setTrailer, treeWith, type RawCommit } from '../helpers/tamper.js';

interface Finding {
  code: string;
  phase: number | null;
  task?: string;
  commit: string | null;
  message: string;
}

interface AuditedTask {
  id: string;
  merged: boolean;
  merge: string | null;
  commit: string | null;
  run_id: string | null;
  attempt: number | null;
  agent: string | null;
  findings: number;
}

interface Report {
  ok: boolean;
  store: string;
  phases: { phase: number; merged: boolean; findings: number }[];
  tasks: AuditedTask[];
  findings: Finding[];
  shallow: { boundary: string[]; unchecked: { phase: number | null; commit: string | null; what: string }[] } | null;
}

function audit(repo: string, args: string[] = []): { code: number | null; report: Report } {
  const result = cli(repo, ['audit', '--json', ...args]);
  return { code: result.code, report: json<Report>(result) };
}

const ZERO = `sha256:${'0'.repeat(64)}`;
const APPROVAL = { by: 'Ada', at: '2026-01-02T03:04:05.000Z' };

/** Three tasks, one dependency (T-002 on T-001); T-003 needs a human's approval. */
const PLAN = {
  version: 2,
  tasks: [
    { id: 'T-001', title: 'Set up the store', depends_on: [], writes: ['package.json', 'src/store.js', 'test/store.test.js'], checks: [{ argv: ['node', '--test', 'test/store.test.js'], timeout_seconds: 60 }] },
    { id: 'T-002', title: 'Report on the store', depends_on: ['T-001'], writes: ['src/report/*.js', 'test/report.test.js'], checks: [{ argv: ['node', '--test', 'test/report.test.js'], timeout_seconds: 60 }] },
    { id: 'T-003', title: 'Document the usage', depends_on: [], writes: ['docs/**'], checks: [{ argv: ['test', '-f', 'docs/usage.md'], timeout_seconds: 60 }], approval: true },
  ],
};

/** Run ids: ULIDs, one per dispatch. */
const RUN = { t1: '01JF0000000000000000000001', t2a: '01JF0000000000000000000002', t2: '01JF0000000000000000000003', t3: '01JF0000000000000000000004' };

let pristine: string;
let plan: string; // the acknowledged plan's blob id
let phase4Plan: string; // the plan phase 4 merged (the scripted agent's)
let acked: string; // main's tip after the acknowledgement: where execution starts
let work: Record<'t1' | 't2a' | 't2' | 't3', TaskWork>;
let landed: Record<'t1' | 't2' | 't3', { commit: string; merge: string }>;
let failedAttempt: string; // T-002's first attempt: committed, failed, never merged

beforeAll(() => {
  pristine = scriptedRepo();
  const planned = cli(pristine, ['run', '--wait']);
  expect(planned.code, planned.stderr).toBe(0);
  phase4Plan = git(pristine, 'rev-parse', 'main:planning/tasks.json');
  // The plan edited by hand to three tasks, and that edit acknowledged: a plan planning accepted.
  commitFile(pristine, 'planning/tasks.json', JSON.stringify(PLAN, null, 2) + '\n', 'Plan three tasks');
  const ack = cli(pristine, ['acknowledge', '4', '--by', 'Ada', '--reason', 'Three tasks are enough for now.']);
  expect(ack.code, ack.stderr).toBe(0);
  acked = git(pristine, 'rev-parse', 'main');
  plan = git(pristine, 'rev-parse', 'main:planning/tasks.json');
  const [p1, p2, p3] = PLAN.tasks;
  if (p1 === undefined || p2 === undefined || p3 === undefined) throw new Error('three tasks');
  const task = (p: typeof p1, runId: string, files: Record<string, string>, attempt = 1): TaskWork => ({ id: p.id, title: p.title, writes: p.writes, files, plan, runId, attempt });
  work = {
    t1: task(p1, RUN.t1, { 'package.json': '{"type":"module"}\n', 'src/store.js': 'export const store = new Map();\n', 'test/store.test.js': "import './../src/store.js';\n" }),
    t2a: task(p2, RUN.t2a, { 'src/report/count.js': 'export const count = 0; // wrong\n' }, 1),
    t2: task(p2, RUN.t2, { 'src/report/count.js': "import { store } from '../store.js';\nexport const count = () => store.size;\n", 'test/report.test.js': "import '../src/report/count.js';\n" }, 2),
    t3: task(p3, RUN.t3, { 'docs/usage.md': '# Usage\n\nRun it.\n' }),
  };
  // T-001 and T-003 run in parallel from the same base; T-001 lands first, then T-003 (a true
  // merge), then T-002, which waited for T-001: its failed first attempt stays off the base.
  const c1 = taskCommit(pristine, work.t1);
  const c3 = taskCommit(pristine, work.t3);
  const m1 = mergeTask(pristine, work.t1, c1);
  const m3 = mergeTask(pristine, work.t3, c3, { approval: APPROVAL });
  failedAttempt = taskCommit(pristine, work.t2a);
  git(pristine, 'update-ref', `refs/phaserunner/attempts/${RUN.t2a}`, failedAttempt);
  const t2 = landTask(pristine, work.t2);
  landed = { t1: { commit: c1, merge: m1 }, t2, t3: { commit: c3, merge: m3 } };
  git(pristine, 'reset', '--quiet', '--hard', 'main');
}, 120_000);

function cloneOf(depth?: number): string {
  const dir = join(tempDir(), 'clone');
  git(tempDir(), 'clone', '--quiet', ...(depth === undefined ? [] : ['--depth', String(depth)]), depth === undefined ? pristine : `file://${pristine}`, dir);
  return dir;
}

/** Rewrites a merge's message. */
const editMerge = (repo: string, merge: string, edit: (msg: string) => string): string => rewrite(repo, merge, (c) => ({ ...c, message: edit(c.message) }));

/** Replaces a task merge's second parent by `make(the task commit)`. */
const replaceTaskCommit = (repo: string, merge: string, make: (c: RawCommit) => Omit<RawCommit, 'sha'>): string => {
  const replaced = commitTree(repo, make(readCommit(repo, `${merge}^2`)));
  return rewrite(repo, merge, (c) => ({ ...c, parents: [c.parents[0] ?? '', replaced] }));
};

/** main set back to where execution started. */
const restart = (repo: string): void => {
  git(repo, 'update-ref', 'refs/heads/main', acked);
};

interface Tamper {
  readonly name: string;
  readonly code: string;
  /** The task the finding is about (undefined: none can be named). */
  readonly task: string | undefined;
  readonly apply: (repo: string) => unknown;
}

const TAMPERS: readonly Tamper[] = [
  { name: 'a rewritten Artifacts-Digest on a task merge', code: 'digest-mismatch', task: 'T-001', apply: (r) => editMerge(r, landed.t1.merge, (s) => setTrailer(s, 'Artifacts-Digest', ZERO)) },
  {
    name: 'a task file changed in the merge after the runner wrote it',
    code: 'digest-mismatch',
    task: 'T-001',
    apply: (r) => rewrite(r, landed.t1.merge, (c) => ({ ...c, tree: treeWith(r, c.tree, 'src/store.js', 'export const store = null;\n') })),
  },
  {
    name: 'a rewritten Artifacts-Digest on a task commit',
    code: 'task-digest-mismatch',
    task: 'T-003',
    apply: (r) => replaceTaskCommit(r, landed.t3.merge, (c) => ({ ...c, message: setTrailer(c.message, 'Artifacts-Digest', ZERO) })),
  },
  {
    name: 'a file outside the writes smuggled into a task commit',
    code: 'task-outside-writes',
    task: 'T-001',
    apply: (r) => replaceTaskCommit(r, landed.t1.merge, (c) => ({ ...c, tree: treeWith(r, c.tree, 'src/backdoor.js', 'evil()\n') })),
  },
  {
    name: 'a dependency merged after its dependent',
    code: 'task-dependency-not-merged',
    task: 'T-002',
    apply: (r) => {
      restart(r);
      landTask(r, work.t2);
      landTask(r, work.t1);
    },
  },
  {
    name: 'a dependency never merged',
    code: 'task-dependency-not-merged',
    task: 'T-002',
    apply: (r) => {
      restart(r);
      landTask(r, work.t2);
    },
  },
  {
    name: "a task merged twice (a retried task's failed attempt merged too)",
    code: 'task-merged-twice',
    task: 'T-002',
    apply: (r) => mergeTask(r, work.t2a, failedAttempt, { tree: readCommit(r, 'main').tree }),
  },
  {
    name: 'a task run merged twice',
    code: 'run-merged-twice',
    task: 'T-001',
    apply: (r) => mergeTask(r, work.t1, landed.t1.commit, { tree: readCommit(r, 'main').tree }),
  },
  {
    name: 'a Plan-Digest naming a plan planning never merged',
    code: 'plan-unknown',
    task: 'T-001',
    apply: (r) => {
      // A plan that lets the task write anything, in the object store but never on the base:
      // its digests and scope are all consistent with it, and only where it came from is not.
      const own = { ...PLAN, tasks: PLAN.tasks.map((t) => ({ ...t, writes: ['**'] })) };
      const blob = hashObject(r, JSON.stringify(own, null, 2) + '\n');
      restart(r);
      landTask(r, { ...work.t1, plan: blob, writes: ['**'], files: { ...work.t1.files, 'src/backdoor.js': 'evil()\n' } });
    },
  },
  {
    name: 'a Plan-Digest naming a plan acknowledged only after the merge',
    code: 'plan-unknown',
    task: 'T-001',
    apply: (r) => {
      // Merged on the hand edit, then the acknowledgement recorded again on top.
      const ack = readCommit(r, acked);
      git(r, 'update-ref', 'refs/heads/main', ack.parents[0] ?? '');
      landTask(r, work.t1);
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha], message: ack.message });
    },
  },
  { name: 'a malformed Task trailer', code: 'trailer-malformed', task: undefined, apply: (r) => editMerge(r, landed.t3.merge, (s) => setTrailer(s, 'Task', 'T 003')) },
  { name: 'a missing Plan-Digest', code: 'trailer-missing', task: 'T-003', apply: (r) => editMerge(r, landed.t3.merge, (s) => setTrailer(s, 'Plan-Digest', null)) },
  { name: 'a malformed Plan-Digest', code: 'trailer-malformed', task: 'T-003', apply: (r) => editMerge(r, landed.t3.merge, (s) => setTrailer(s, 'Plan-Digest', `sha1:${plan}`)) },
  { name: 'a non-zero agent exit code', code: 'nonzero-exit', task: 'T-003', apply: (r) => editMerge(r, landed.t3.merge, (s) => setTrailer(s, 'Exit-Code', '2')) },
  { name: 'a task id its plan does not have', code: 'task-unknown', task: 'T-009', apply: (r) => landTask(r, { ...work.t3, id: 'T-009', runId: '01JF0000000000000000000009' }) },
  { name: 'a task merge whose task commit names another run', code: 'merge-parent-mismatch', task: 'T-003', apply: (r) => replaceTaskCommit(r, landed.t3.merge, (c) => ({ ...c, message: setTrailer(c.message, 'Run-Id', '01JF000000000000000000000Z') })) },
  { name: 'a task commit replaced by an untrailed one', code: 'merge-parent-untrailed', task: 'T-001', apply: (r) => replaceTaskCommit(r, landed.t1.merge, (c) => ({ ...c, message: 'hand-written store\n' })) },
  {
    name: 'the approval of a task that needs one removed',
    code: 'approval-missing',
    task: 'T-003',
    apply: (r) => editMerge(r, landed.t3.merge, (s) => setTrailer(setTrailer(setTrailer(s, 'Approved-By', null), 'Approved-At', null), 'Approved-Digest', null)),
  },
  { name: 'part of a task approval removed', code: 'approval-incomplete', task: 'T-003', apply: (r) => editMerge(r, landed.t3.merge, (s) => setTrailer(s, 'Approved-At', null)) },
  { name: 'a task approval of other files', code: 'approval-digest-mismatch', task: 'T-003', apply: (r) => editMerge(r, landed.t3.merge, (s) => setTrailer(s, 'Approved-Digest', ZERO)) },
  {
    name: 'a task commit cherry-picked onto the base',
    code: 'task-commit-not-merged',
    task: 'T-002',
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha], message: readCommit(r, failedAttempt).message });
    },
  },
  {
    name: 'a commit on the base with copied task trailers',
    code: 'copied-trailers',
    task: 'T-001',
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha], message: readCommit(r, landed.t1.merge).message });
    },
  },
  {
    name: 'a task commit merged by hand',
    code: 'hand-merged',
    task: 'T-002',
    apply: (r) => {
      const tip = readCommit(r, 'main');
      append(r, { tree: tip.tree, parents: [tip.sha, failedAttempt], message: "Merge branch 'phaserunner/execution/T-002'\n" });
    },
  },
];

/** Writes a blob into the repository's object store, and nowhere else. */
function hashObject(repo: string, content: string): string {
  return execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, env: testEnv(), input: content, encoding: 'utf8' }).trim();
}

describe('audit with execution merges', () => {
  it('finds nothing on the untouched history, with the store, and lists the tasks', () => {
    const { code, report } = audit(pristine);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.store).toBe('checked');
    expect(report.phases.map((p) => p.merged)).toEqual([true, true, true, true]);
    expect(report.tasks).toEqual([
      { id: 'T-001', merged: true, merge: landed.t1.merge, commit: landed.t1.commit, run_id: RUN.t1, attempt: 1, agent: 'scripted', findings: 0 },
      { id: 'T-002', merged: true, merge: landed.t2.merge, commit: landed.t2.commit, run_id: RUN.t2, attempt: 2, agent: 'scripted', findings: 0 },
      { id: 'T-003', merged: true, merge: landed.t3.merge, commit: landed.t3.commit, run_id: RUN.t3, attempt: 1, agent: 'scripted', findings: 0 },
    ]);
  });

  it('finds the same on a fresh clone without the store', () => {
    const clean = audit(pristine).report;
    const { code, report } = audit(cloneOf());
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    expect(report.store).toBe('absent');
    expect(report.tasks).toEqual(clean.tasks);
    expect(report.phases).toEqual(clean.phases);
  });

  it('writes the trailers the contract names, in its order, and a Plan-Digest git can check', () => {
    const keys = git(pristine, 'log', '-1', '--format=%(trailers:only,unfold,keyonly)', landed.t3.merge).split('\n').filter((k) => k !== '');
    expect(keys).toEqual(['Workstream', 'Task', 'Run-Id', 'Attempt', 'Agent', 'Exit-Code', 'Artifacts-Digest', 'Plan-Digest', 'Approved-By', 'Approved-At', 'Approved-Digest']);
    const digest = git(pristine, 'log', '-1', '--format=%(trailers:key=Plan-Digest,valueonly)', landed.t1.merge);
    expect(digest).toBe(`blob:${git(pristine, 'rev-parse', `${acked}:planning/tasks.json`)}`);
    expect(writesDigest(pristine, landed.t1.merge, work.t1.writes)).toMatch(/^sha256:[0-9a-f]{64}$/);
  });

  it('accepts a task of the plan phase 4 merged, which stays a plan planning merged after the hand edit is acknowledged', () => {
    const repo = cloneOf();
    // T-004 of the scripted agent's plan depends on T-001, merged above (by id).
    const original = JSON.parse(git(repo, 'cat-file', 'blob', phase4Plan)) as typeof PLAN;
    const t4 = original.tasks.find((t) => t.id === 'T-004');
    if (t4 === undefined) throw new Error('the scripted plan has a T-004');
    const files = Object.fromEntries(t4.writes.map((w) => [w, `// ${w}\n`]));
    landTask(repo, { id: t4.id, title: t4.title, writes: t4.writes, files, plan: phase4Plan, runId: '01JF0000000000000000000005' });
    const { code, report } = audit(repo);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    // Listed by the plan the newest merge names (the six tasks of phase 4's), merged by id.
    expect(report.tasks.map((t) => [t.id, t.merged])).toEqual([
      ['T-001', true],
      ['T-002', true],
      ['T-003', true],
      ['T-004', true],
      ['T-005', false],
      ['T-006', false],
    ]);
  });

  it('has a tamper for every finding code of its own', () => {
    const own = ['plan-unknown', 'task-unknown', 'task-digest-mismatch', 'task-outside-writes', 'task-merged-twice', 'task-dependency-not-merged', 'task-commit-not-merged'];
    const covered = new Set(TAMPERS.map((t) => t.code));
    expect(own.filter((c) => !covered.has(c))).toEqual([]);
  });

  it.each(TAMPERS)('detects $name as $code', (tamper) => {
    const repo = cloneOf();
    tamper.apply(repo);
    const { code, report } = audit(repo);
    expect(code).toBe(3);
    expect(report.ok).toBe(false);
    const found = report.findings.map((f) => ({ code: f.code, task: f.task }));
    expect(found, JSON.stringify(report.findings, null, 2)).toContainEqual({ code: tamper.code, task: tamper.task });
    const finding = report.findings.find((f) => f.code === tamper.code && f.task === tamper.task);
    expect(finding?.phase).toBeNull();
    expect(finding?.message).not.toContain('\n');
    expect(finding?.commit).toMatch(/^[0-9a-f]{40}$/);
    // Never taken for a planning merge.
    expect(report.findings.filter((f) => f.code === 'phase-unknown')).toEqual([]);
  });

  it('prints an execution section and each task finding by its task', () => {
    const clean = cli(pristine, ['audit']);
    expect(clean.code).toBe(0);
    expect(clean.stdout).toContain('execution: 3 of 3 tasks merged');
    expect(clean.stdout).toContain(`  ✓ task T-002: merged ${landed.t2.merge.slice(0, 12)} (commit ${landed.t2.commit.slice(0, 12)}, run ${RUN.t2}, attempt 2, scripted)`);
    expect(clean.stdout).toContain('No findings: every phase and task merge is intact.');
    const repo = cloneOf();
    TAMPERS.find((t) => t.code === 'task-outside-writes')?.apply(repo);
    const found = cli(repo, ['audit']);
    expect(found.code).toBe(3);
    expect(found.stdout).toContain('  ✗ task T-001: merged');
    expect(found.stdout).toMatch(/\[task-outside-writes\] task T-001: task commit [0-9a-f]{12} changes "src\/backdoor\.js", outside task T-001's writes/);
  });

  it("leaves task merges out of planning's log", () => {
    const log = json<{ entries: { phase: number | null; merge: string }[] }>(cli(cloneOf(), ['log', '--json']));
    expect(log.entries.map((e) => e.phase)).toEqual([1, 2, 3, 4]);
    expect(log.entries.map((e) => e.merge)).toEqual(git(pristine, 'rev-list', '--first-parent', '--merges', '--reverse', acked).split('\n'));
  });

  it('in a shallow clone cut after planning, notes what it could not check and finds nothing', () => {
    const repo = cloneOf(3);
    const { code, report } = audit(repo);
    expect(report.findings).toEqual([]);
    expect(code).toBe(0);
    const what = report.shallow?.unchecked.map((u) => u.what).join('\n') ?? '';
    expect(what).toMatch(/whether one before the cut did was not checked/);
  });
});
