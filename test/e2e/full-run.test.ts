// The whole main job through the real CLI: init, commit, run --wait on the scripted agent,
// then check git history, status --json and the store against each other.
import { createHash } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { basename, join, sep } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, repoWithIntent, trailersOf, userState } from '../helpers/git.js';
import { readStore } from '../helpers/store.js';
import { testEnv } from '../helpers/env.js';
import type { StatusView } from '../../src/runner/status.js';

const PHASES = [
  { phase: 1, name: 'architecture-baseline', role: 'architect', outputs: ['planning/architecture.md', 'planning/adr/'] },
  { phase: 2, name: 'gap-analysis', role: 'analyst', outputs: ['planning/gap-analysis.md'] },
  { phase: 3, name: 'project-planning', role: 'planner', outputs: ['planning/milestones.md', 'planning/epics.md'] },
  { phase: 4, name: 'task-planning', role: 'planner', outputs: ['planning/tasks.json', 'planning/tasks/'] },
];

describe('a full planning run on the scripted agent', () => {
  let repo: string;
  let run: ReturnType<typeof cli>;
  let approve: ReturnType<typeof cli>;
  let merges: string[];

  beforeAll(() => {
    repo = repoWithIntent();
    expect(cli(repo, ['init', '--agent', 'scripted']).code).toBe(0);
    git(repo, 'add', '.phaserunner');
    git(repo, 'commit', '--quiet', '-m', 'Set up phaserunner');
    // The config init writes has a human approve phase 4 before it is merged.
    run = cli(repo, ['run', '--wait']);
    approve = cli(repo, ['approve', '4', '--by', 'Test Reviewer']);
    merges = git(repo, 'rev-list', '--first-parent', '--merges', 'main').split('\n').reverse();
  });

  it('reports each phase as it goes, stops for approval of phase 4 (exit 2), then merges it once approved', () => {
    expect(run.code, run.stderr).toBe(2);
    for (const p of PHASES) {
      expect(run.stdout).toContain(`phase ${p.phase} ${p.name}: dispatched attempt 1 to scripted as ${p.role}`);
      if (p.phase < 4) expect(run.stdout).toContain(`phase ${p.phase} ${p.name}: merged into main`);
    }
    expect(run.stdout).toMatch(/phase 4 task-planning: awaiting approval: committed as [0-9a-f]{12} on phaserunner\/planning\/4-task-planning/);
    expect(run.stdout).not.toContain('phase 4 task-planning: merged');
    expect(run.stderr).toContain('Next: Phase 4 (task-planning) awaits approval. Review it with `git diff main...phaserunner/planning/4-task-planning`');
    expect(approve.stderr).toBe('');
    expect(approve.code).toBe(0);
    expect(approve.stdout).toContain('phase 4 task-planning: approved by Test Reviewer');
    expect(approve.stdout).toContain('phase 4 task-planning: merged into main');
    expect(approve.stdout).toContain('Planning complete: 4 phase(s) committed and merged into main.');
  });

  it('binds the approval to the merged artifacts in the merge commit\'s trailers', () => {
    const trailers = trailersOf(repo, merges[3] ?? '');
    expect(trailers['Approved-By']).toBe('Test Reviewer');
    expect(trailers['Approved-At']).toMatch(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);
    expect(trailers['Approved-Digest']).toBe(trailers['Artifacts-Digest']);
    for (const merge of merges.slice(0, 3)) expect(trailersOf(repo, merge)['Approved-By']).toBeUndefined();
    const stored = readStore<{ phase: number; decision: string; by: string; commit_sha: string; digest: string }>(repo, 'SELECT *, CAST(step_id AS INTEGER) AS phase FROM approvals');
    expect(stored).toEqual([
      expect.objectContaining({ phase: 4, decision: 'approved', by: 'Test Reviewer', commit_sha: git(repo, 'rev-parse', `${merges[3] ?? ''}^2`), digest: trailers['Approved-Digest'] }),
    ]);
  });

  it('leaves four merge commits on main, in phase order, each with a phase commit as second parent', () => {
    expect(merges).toHaveLength(4);
    merges.forEach((merge, i) => {
      const parents = git(repo, 'rev-list', '--parents', '-n1', merge).split(' ').slice(1);
      expect(parents).toHaveLength(2);
      const [first, second] = parents as [string, string];
      const phase = PHASES[i];
      if (phase === undefined) throw new Error('phase');
      const mergeTrailers = trailersOf(repo, merge);
      const commitTrailers = trailersOf(repo, second);
      // The merge adds only the approval trailers.
      expect(Object.fromEntries(Object.entries(mergeTrailers).filter(([k]) => !k.startsWith('Approved-')))).toEqual(commitTrailers);
      expect(mergeTrailers).toMatchObject({
        Workstream: 'planning',
        Phase: String(phase.phase),
        'Phase-Name': phase.name,
        Role: phase.role,
        Attempt: '1',
        Agent: 'scripted',
        'Exit-Code': '0',
      });
      expect(mergeTrailers['Run-Id']).toMatch(/^[0-9A-HJKMNP-TV-Z]{26}$/);
      expect(mergeTrailers['Artifacts-Digest']).toMatch(/^sha256:[0-9a-f]{64}$/);
      // The phase commit sits directly on the base as it was when the phase was dispatched.
      expect(git(repo, 'rev-parse', `${second}^`)).toBe(first);
      // The phase branch points at the phase commit.
      expect(git(repo, 'rev-parse', `refs/heads/phaserunner/planning/${phase.phase}-${phase.name}`)).toBe(second);
    });
  });

  it('commits only each phase\'s declared outputs in its phase commit', () => {
    merges.forEach((merge, i) => {
      const phase = PHASES[i];
      if (phase === undefined) throw new Error('phase');
      const files = git(repo, 'diff-tree', '--no-commit-id', '--name-only', '-r', `${merge}^2^`, `${merge}^2`).split('\n');
      expect(files.length).toBeGreaterThan(0);
      for (const file of files) expect(phase.outputs.some((o) => file === o || (o.endsWith('/') && file.startsWith(o)))).toBe(true);
    });
  });

  it('records an Artifacts-Digest that anyone can recompute from the tree', () => {
    const merge = merges[1];
    if (merge === undefined) throw new Error('merge');
    // Phase 2's outputs: planning/gap-analysis.md. Recompute: sha256 over "path NUL oid LF".
    const oid = git(repo, 'rev-parse', `${merge}:planning/gap-analysis.md`);
    const expected = 'sha256:' + createHash('sha256').update(`planning/gap-analysis.md\0${oid}\n`).digest('hex');
    expect(trailersOf(repo, merge)['Artifacts-Digest']).toBe(expected);
  });

  it('reports four done phases in status --json, matching git', () => {
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status).toMatchObject({ workstream: 'planning', base: 'main', current: null, complete: true });
    expect(status.phases.map((p) => [p.phase, p.name, p.role, p.state, p.attempts])).toEqual(
      PHASES.map((p) => [p.phase, p.name, p.role, 'done', 1]),
    );
    status.phases.forEach((p, i) => {
      expect(p.branch).toBe(`phaserunner/planning/${p.phase}-${p.name}`);
      expect(p.merge).toBe(merges[i]);
      expect(p.commit).toBe(git(repo, 'rev-parse', `${merges[i] ?? ''}^2`));
    });
  });

  it('records every transition in the store, in order, with the run ids of the trailers', () => {
    const transitions = readStore<{ phase: number; run_id: string | null; from_state: string; to_state: string; reason: string }>(
      repo,
      'SELECT CAST(step_id AS INTEGER) AS phase, run_id, from_state, to_state, reason FROM transitions ORDER BY id',
    );
    expect(transitions.map((t) => [t.phase, t.from_state, t.to_state])).toEqual(
      PHASES.flatMap((p) =>
        p.phase === 4
          ? [
              [p.phase, 'pending', 'running'],
              [p.phase, 'running', 'awaiting_approval'],
              [p.phase, 'awaiting_approval', 'done'],
            ]
          : [
              [p.phase, 'pending', 'running'],
              [p.phase, 'running', 'done'],
            ],
      ),
    );
    merges.forEach((merge, i) => {
      const runId = trailersOf(repo, merge)['Run-Id'];
      expect(transitions.filter((t) => t.phase === i + 1).every((t) => t.run_id === runId)).toBe(true);
    });
    const runs = readStore<{ phase: number; step: string; exit_code: number; commit_sha: string; merge_sha: string }>(
      repo,
      'SELECT CAST(step_id AS INTEGER) AS phase, step, exit_code, commit_sha, merge_sha FROM runs ORDER BY CAST(step_id AS INTEGER)',
    );
    expect(runs.map((r) => [r.phase, r.step, r.exit_code, r.merge_sha])).toEqual(merges.map((m, i) => [i + 1, 'merged', 0, m]));
    const gates = readStore<{ phase: number; target: string; moment: string; ok: number }>(
      repo,
      'SELECT CAST(step_id AS INTEGER) AS phase, target, moment, ok FROM gate_results ORDER BY id',
    );
    expect(gates.map((g) => [g.phase, g.target, g.moment, g.ok])).toEqual([
      [1, 'phase-1', 'beforeDispatch', 1],
      [1, 'phase-2', 'beforeAdvance', 1],
      [2, 'phase-2', 'beforeDispatch', 1],
      [2, 'phase-3', 'beforeAdvance', 1],
      [3, 'phase-3', 'beforeDispatch', 1],
      [3, 'phase-4', 'beforeAdvance', 1],
      [4, 'phase-4', 'beforeDispatch', 1],
      [4, 'planning-complete', 'beforeAdvance', 1],
    ]);
  });

  it('keeps the user\'s checkout on the new tip with nothing left over', () => {
    const state = userState(repo);
    expect(state.status).toBe('');
    expect(state.headCommit).toBe(merges[3]);
    expect(existsSync(join(repo, 'planning', 'tasks.json'))).toBe(true);
    expect((state.worktrees ?? '').split('\n').filter((l) => l.startsWith('worktree '))).toHaveLength(1);
  });

  it('runs each phase in a worktree outside .git, under the state home, and removes it after the merge', () => {
    const runs = readStore<{ worktree: string }>(repo, 'SELECT worktree FROM runs ORDER BY CAST(step_id AS INTEGER)');
    const home = testEnv().HOME ?? '';
    expect(runs).toHaveLength(4);
    for (const { worktree } of runs) {
      expect(worktree.startsWith(join(home, '.local', 'state', 'phaserunner', 'worktrees', `${basename(repo)}-`))).toBe(true);
      expect(worktree.split(sep)).not.toContain('.git');
      expect(existsSync(worktree)).toBe(false);
    }
  });

  it('keeps each attempt\'s prompt, logs and exit.json in its run directory', () => {
    const runs = readStore<{ run_dir: string }>(repo, 'SELECT run_dir FROM runs');
    for (const { run_dir } of runs) {
      const exit = JSON.parse(readFileSync(join(run_dir, 'exit.json'), 'utf8')) as Record<string, unknown>;
      expect(exit).toMatchObject({ exit_code: 0, signal: null });
      expect(readFileSync(join(run_dir, 'prompt.md'), 'utf8')).toContain('## Rules');
      expect(readFileSync(join(run_dir, 'stdout.log'), 'utf8')).toContain('[scripted');
    }
  });

  it('does nothing more when run again', () => {
    const before = userState(repo);
    const again = cli(repo, ['run']);
    expect(again.code).toBe(0);
    expect(userState(repo)).toEqual(before);
  });
});
