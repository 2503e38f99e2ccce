// Containment with several attempts in flight (the execution workstream): while agent A works,
// the runner legitimately writes other runs' directories (their wrappers), adds and removes
// other worktrees under its worktrees directory, moves refs (absorbed: absorbRunnerRefMoves),
// and a human approves another task. None of that fails A; what A itself does past its
// checkout still does. Real git, a real store; fingerprintAttempt and checkContainment are
// called as the runner calls them, with a context holding only what they need.
import { appendFileSync, existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { discoverRepo } from '../../src/git/repo.js';
import { statePaths } from '../../src/paths.js';
import { proveDecision } from '../../src/runner/approval-proof.js';
import { checkContainment, fingerprintAttempt, type ContainmentContext } from '../../src/runner/containment.js';
import { absorbRunnerRefMoves } from '../../src/runner/runner-ref-moves.js';
import { openStore } from '../../src/runner/store-open.js';
import type { Fingerprint } from '../../src/fingerprint/types.js';
import { Store, type RunRow, type RunStep } from '../../src/store/store.js';
import { KEY_FILE_ENV } from '../../src/util/user-key.js';
import { commitFile, emptyRepo, git, tempDir } from '../helpers/git.js';
import { useTestGitConfig } from '../helpers/integrate.js';

const TASKS = ['T-001', 'T-002', 'T-003', 'T-004', 'T-005'];

beforeAll(() => {
  useTestGitConfig();
  process.env[KEY_FILE_ENV] = join(tempDir(), 'key');
});

interface World {
  readonly ctx: ContainmentContext;
  readonly repo: string;
  /** Starts a task's attempt as the runner does: its branch and worktree, its run directory, its run recorded. */
  start(task: string, runId: string): RunRow;
  /** Ends a run as the runner does (its step), its wrapper's files written. */
  end(run: RunRow, step: RunStep): void;
  /** Removes a worktree as the runner does. */
  removeWorktree(path: string): void;
}

async function world(): Promise<World> {
  const repo = emptyRepo();
  commitFile(repo, 'README.md', '# r\n');
  const paths = await discoverRepo(repo);
  const state = statePaths(paths.commonDir, { PHASERUNNER_WORKTREES_DIR: tempDir() });
  mkdirSync(state.runs, { recursive: true });
  mkdirSync(state.worktrees, { recursive: true });
  const store = new Store(openStore(state.db));
  store.ensureWorkstream(
    'execution',
    'main',
    TASKS.map((id) => ({ step_id: id, name: id, role: 'implementer' })),
  );
  const ctx: ContainmentContext = { repo: paths, state, store, config: { base: 'main' } };
  return {
    ctx,
    repo,
    start(task, runId) {
      const worktree = join(state.worktrees, task);
      git(repo, 'worktree', 'add', '--quiet', '-b', `phaserunner/execution/${task}`, worktree, 'main');
      const runDir = join(state.runs, runId);
      mkdirSync(runDir);
      writeFileSync(join(runDir, 'prompt.md'), `do ${task}\n`);
      writeFileSync(join(runDir, 'dispatch.json'), '{}\n');
      store.insertRun({ run_id: runId, workstream: 'execution', step_id: task, attempt: 1, agent: 'scripted', branch: `phaserunner/execution/${task}`, worktree, run_dir: runDir, base_sha: git(repo, 'rev-parse', 'main') });
      const run = store.run(runId);
      if (run === undefined) throw new Error('not recorded');
      return run;
    },
    end(run, step) {
      writeFileSync(join(run.run_dir, 'exit.json'), '{"exit_code":0}\n');
      store.updateRun(run.run_id, { step });
    },
    removeWorktree(path) {
      git(repo, 'worktree', 'remove', '--force', path);
    },
  };
}

/** A commit on no branch, for refs to move to. */
function looseCommit(repo: string, message: string): string {
  return git(repo, 'commit-tree', 'main^{tree}', '-p', 'main', '-m', message);
}

describe('containment while other attempts run', () => {
  it('fails nothing for the runner\'s own work meanwhile: other runs\' wrappers writing, runs and worktrees added and removed, an integration checkout', async () => {
    const w = await world();
    const finished = w.start('T-001', '01FINISHED');
    w.end(finished, 'merged');
    w.removeWorktree(finished.worktree);
    const other = w.start('T-002', '01INFLIGHT');
    const a = w.start('T-003', '01AGENT');
    await fingerprintAttempt(w.ctx, a);

    // The other attempt's wrapper writes its directory, and the runner ends it and removes its worktree.
    appendFileSync(join(other.run_dir, 'stdout.log'), 'working\n');
    w.end(other, 'failed');
    w.removeWorktree(other.worktree);
    // The runner dispatches another task: a new run directory, branch (a ref move it absorbs) and worktree.
    const later = w.start('T-004', '01LATER');
    absorbRunnerRefMoves(w.ctx, [{ ref: `refs/heads/${later.branch}`, from: undefined, to: git(w.repo, 'rev-parse', later.branch) }]);
    appendFileSync(join(later.run_dir, 'stdout.log'), 'working\n');
    // An integration checkout of the merge queue, beside the agents' checkouts.
    git(w.repo, 'worktree', 'add', '--quiet', '--detach', join(w.ctx.state.worktrees, 'integration', 'T-002'), 'main');

    const found = await checkContainment(w.ctx, a);
    expect(found.failure).toBeUndefined();
    expect(found.reported).toEqual([]);
  });

  it('fails nothing for a run being dispatched when the fingerprint was taken: its directory there, its run not yet recorded', async () => {
    const w = await world();
    const a = w.start('T-003', '01AGENT');
    // The runner makes the next run's directory and writes its prompt before it records the run.
    const early = join(w.ctx.state.runs, '01EARLY');
    mkdirSync(early);
    writeFileSync(join(early, 'prompt.md'), 'do T-004\n');
    await fingerprintAttempt(w.ctx, a);
    w.ctx.store.insertRun({ run_id: '01EARLY', workstream: 'execution', step_id: 'T-004', attempt: 1, agent: 'scripted', branch: 'phaserunner/execution/T-004', worktree: join(w.ctx.state.worktrees, 'T-004'), run_dir: early, base_sha: a.base_sha });
    writeFileSync(join(early, 'prompt.md'), 'do T-004, rewritten\n');
    appendFileSync(join(early, 'stdout.log'), 'working\n');

    expect((await checkContainment(w.ctx, a)).failure).toBeUndefined();
  });

  it('still fails a file the agent writes into a finished run\'s directory, and removes it', async () => {
    const w = await world();
    const finished = w.start('T-001', '01FINISHED');
    w.end(finished, 'failed');
    const other = w.start('T-002', '01INFLIGHT');
    const a = w.start('T-003', '01AGENT');
    await fingerprintAttempt(w.ctx, a);

    appendFileSync(join(other.run_dir, 'stdout.log'), 'working\n');
    const planted = join(finished.run_dir, 'exit.json.forged');
    writeFileSync(planted, '{"exit_code":0}\n');

    const found = await checkContainment(w.ctx, a);
    expect(found.failure).toMatch(/the agent changed things outside its checkout while it ran: \S*01FINISHED\/exit\.json\.forged created\./);
    expect(found.failure).not.toMatch(/01INFLIGHT/);
    expect(existsSync(planted)).toBe(false);
  });

  it('still fails a directory the agent makes in runs/ that is no run of the store\'s', async () => {
    const w = await world();
    w.start('T-002', '01INFLIGHT');
    const a = w.start('T-003', '01AGENT');
    await fingerprintAttempt(w.ctx, a);

    mkdirSync(join(w.ctx.state.runs, '01FORGED'));
    writeFileSync(join(w.ctx.state.runs, '01FORGED', 'exit.json'), '{"exit_code":0}\n');

    expect((await checkContainment(w.ctx, a)).failure).toMatch(/01FORGED\/exit\.json created/);
  });

  it('still fails a change to the record of a worktree that is not the runner\'s (the user\'s own)', async () => {
    const w = await world();
    const users = join(tempDir(), 'users-worktree');
    git(w.repo, 'worktree', 'add', '--quiet', '-b', 'feature', users, 'main');
    const a = w.start('T-003', '01AGENT');
    await fingerprintAttempt(w.ctx, a);

    // The agent points the user's worktree at another branch behind git's back.
    writeFileSync(join(w.ctx.repo.commonDir, 'worktrees', 'users-worktree', 'HEAD'), 'ref: refs/heads/main\n');

    expect((await checkContainment(w.ctx, a)).failure).toMatch(/worktrees\/users-worktree\/HEAD changed/);
    expect(git(users, 'symbolic-ref', 'HEAD')).toBe('refs/heads/feature');
  });

  it('watches every other run\'s directory for a fingerprint taken before runs ran in parallel (no watchedRunDirs)', async () => {
    const w = await world();
    const other = w.start('T-002', '01INFLIGHT');
    const a = w.start('T-003', '01AGENT');
    await fingerprintAttempt(w.ctx, a);
    const row = w.ctx.store.fingerprint(a.run_id);
    const taken = JSON.parse(row?.data ?? '{}') as Fingerprint;
    w.ctx.store.saveFingerprint(a.run_id, JSON.stringify({ ...taken, watchedRunDirs: undefined, runnerWorktreeRoots: undefined }));

    appendFileSync(join(other.run_dir, 'stdout.log'), 'working\n');

    expect((await checkContainment(w.ctx, a)).failure).toMatch(/01INFLIGHT\/stdout\.log created/);
  });
});

describe('refs the runner moves while an agent works', () => {
  it('fails nothing for moves absorbed into the fingerprints of the runs at work', async () => {
    const w = await world();
    const done = w.start('T-001', '01DONE');
    w.end(done, 'merged');
    w.removeWorktree(done.worktree);
    const a = w.start('T-003', '01AGENT');
    const b = w.start('T-002', '01OTHER');
    await fingerprintAttempt(w.ctx, a);
    await fingerprintAttempt(w.ctx, b);
    const takenAt = w.ctx.store.fingerprint(a.run_id)?.taken_at;

    // The merge queue publishes onto main (compare-and-swap), another task's branch is made, a snapshot ref is kept.
    const main = git(w.repo, 'rev-parse', 'main');
    const merged = looseCommit(w.repo, 'merge T-002');
    git(w.repo, 'update-ref', 'refs/heads/main', merged, main);
    git(w.repo, 'branch', 'phaserunner/execution/T-004', 'main');
    git(w.repo, 'update-ref', 'refs/phaserunner/snapshots/T-001', merged);
    absorbRunnerRefMoves(w.ctx, [
      { ref: 'refs/heads/main', from: main, to: merged },
      { ref: 'refs/heads/phaserunner/execution/T-004', from: undefined, to: merged },
      { ref: 'refs/phaserunner/snapshots/T-001', from: undefined, to: merged },
    ]);
    // And removes a merged task's branch.
    git(w.repo, 'branch', '-D', done.branch);
    absorbRunnerRefMoves(w.ctx, [{ ref: `refs/heads/${done.branch}`, from: main, to: undefined }]);

    const found = await checkContainment(w.ctx, a);
    expect(found.failure).toBeUndefined();
    expect(found.reported).toEqual([]);
    // Amended in place: when it was taken stays.
    expect(w.ctx.store.fingerprint(a.run_id)?.taken_at).toBe(takenAt);
    // The other run's own branch is not in its fingerprint, and the absorption did not put it there.
    expect(Object.keys((JSON.parse(w.ctx.store.fingerprint(b.run_id)?.data ?? '{}') as Fingerprint).refs)).not.toContain('refs/heads/phaserunner/execution/T-002');
  });

  it('fails a ref the agent moved before the runner moved it on', async () => {
    const w = await world();
    const other = w.start('T-002', '01OTHER');
    const a = w.start('T-003', '01AGENT');
    await fingerprintAttempt(w.ctx, a);

    const ref = `refs/heads/${other.branch}`;
    const taken = git(w.repo, 'rev-parse', ref);
    const evil = looseCommit(w.repo, 'the agent\'s');
    git(w.repo, 'update-ref', ref, evil, taken);
    // The runner moves it on from what it finds.
    const next = looseCommit(w.repo, 'the runner\'s');
    git(w.repo, 'update-ref', ref, next, evil);
    absorbRunnerRefMoves(w.ctx, [{ ref, from: evil, to: next }]);

    const found = await checkContainment(w.ctx, a);
    expect(found.failure).toMatch(new RegExp(`${ref} moved from ${taken.slice(0, 12)} to ${next.slice(0, 12)}`));
  });
});

describe('approvals written while an agent works', () => {
  async function approvalWhileAgentWorks(proof: (row: Parameters<typeof proveDecision>[0]) => string | null): Promise<{ failure: string | undefined }> {
    const w = await world();
    const other = w.start('T-002', '01OTHER');
    w.end(other, 'committed');
    const a = w.start('T-003', '01AGENT');
    await fingerprintAttempt(w.ctx, a);
    const row = { workstream: 'execution', step_id: 'T-002', run_id: other.run_id, decision: 'approved' as const, by: 'Ada Lovelace', commit_sha: other.base_sha, digest: 'sha256:0', at: '2026-01-01T00:00:00.000Z' };
    w.ctx.store.recordApproval({ ...row, note: null, proof: proof(row) });
    return checkContainment(w.ctx, a);
  }

  it('counts a decision `approve` recorded (a valid proof) as a human\'s', async () => {
    expect((await approvalWhileAgentWorks((row) => proveDecision(row))).failure).toBeUndefined();
  });

  it('fails a row without a proof, or with one that does not verify', async () => {
    expect((await approvalWhileAgentWorks(() => null)).failure).toMatch(/approval row 1 written into the store/);
    expect((await approvalWhileAgentWorks((row) => proveDecision({ ...row, by: 'someone else' }))).failure).toMatch(/approval row 1 written into the store/);
  });
});
