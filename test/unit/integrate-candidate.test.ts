// prepareCandidate (src/integrate/candidate.ts) on real repositories: a clean merge becomes a
// merge commit on no ref, with parents [base tip, task] and the task's trailers; a conflict
// comes back with its paths and the three sides of each; nothing a user owns changes.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareCandidate } from '../../src/integrate/candidate.js';
import { SIDE_TEXT_LIMIT } from '../../src/integrate/conflict-sides.js';
import { TASK_TRAILER_KEYS } from '../../src/git/task-trailers.js';
import { commitFile, emptyRepo, git, trailersOf, userState } from '../helpers/git.js';
import { IDENTITY, TRAILERS, taskRepo, useTestGitConfig } from '../helpers/integrate.js';

beforeAll(useTestGitConfig);

describe('prepareCandidate', () => {
  it('builds the merge commit with parents [base tip, task] and the trailers, and moves no ref', async () => {
    const { repo, baseTip, task } = taskRepo({ 'src/sum.js': 'export const sum = (a, b) => a + b;\n' });
    const before = userState(repo);
    let treeSeen: string | undefined;
    const prepared = await prepareCandidate({
      repo,
      base: 'main',
      taskCommit: task,
      subject: 'execution: merge task T-001 into main',
      body: ['Merges phaserunner/execution/T-001 (attempt 2).'],
      trailers: (tree) => {
        treeSeen = tree;
        return TRAILERS;
      },
      identity: IDENTITY,
    });

    expect(prepared.kind).toBe('candidate');
    if (prepared.kind !== 'candidate') return;
    expect(prepared.baseTip).toBe(baseTip);
    expect(git(repo, 'rev-list', '--parents', '-n', '1', prepared.commit).split(' ').slice(1)).toEqual([baseTip, task]);
    expect(git(repo, 'rev-parse', `${prepared.commit}^{tree}`)).toBe(prepared.tree);
    expect(treeSeen).toBe(prepared.tree);
    // Both sides' files are in the merge.
    expect(git(repo, 'ls-tree', '-r', '--name-only', prepared.commit).split('\n')).toEqual(['README.md', 'base.txt', 'src/sum.js']);
    // git's own trailer parser reads them, in the contract's order.
    const trailers = trailersOf(repo, prepared.commit);
    expect(Object.keys(trailers)).toEqual([...TASK_TRAILER_KEYS]);
    expect(trailers).toMatchObject({ Workstream: 'execution', Task: 'T-001', 'Run-Id': TRAILERS.runId, Attempt: '2', 'Plan-Digest': TRAILERS.planDigest });
    expect(git(repo, 'log', '-1', '--format=%s%n%an <%ae>', prepared.commit)).toBe('execution: merge task T-001 into main\nphaserunner <phaserunner@example.invalid>');
    // On no ref, and nothing of the user's moved.
    expect(git(repo, 'for-each-ref', '--contains', prepared.commit)).toBe('');
    expect(userState(repo)).toEqual(before);
  });

  it('reports a conflict with its paths and, for each, the merge base, the base branch and the task sides', async () => {
    const { repo, large, ...fork } = threeWayRepo();
    const before = userState(repo);

    const prepared = await prepareCandidate({ repo, base: 'main', taskCommit: fork.task, subject: 's', trailers: TRAILERS, identity: IDENTITY });

    expect(prepared.kind).toBe('conflict');
    if (prepared.kind !== 'conflict') return;
    expect(prepared.baseTip).toBe(fork.baseTip);
    expect([...prepared.paths].sort()).toEqual(['b.bin', 'big.txt', 'f.txt', 'gone.txt']);
    const side = (path: string) => prepared.sides.find((s) => s.path === path);
    expect(side('f.txt')).toMatchObject({
      base: { kind: 'text', text: 'a\nb\nc\n', mode: '100644' },
      ours: { kind: 'text', text: 'a\nMAIN\nc\n' },
      theirs: { kind: 'text', text: 'a\nTASK\nc\n' },
    });
    // Deleted on the base branch, changed by the task: no `ours`.
    expect(side('gone.txt')).toMatchObject({ base: { kind: 'text', text: 'gone\n' }, theirs: { kind: 'text', text: 'the task changed it\n' } });
    expect(side('gone.txt')?.ours).toBeUndefined();
    expect(side('b.bin')).toMatchObject({ ours: { kind: 'omitted', why: 'binary', size: 8 }, theirs: { kind: 'omitted', why: 'binary' } });
    expect(side('big.txt')?.ours).toMatchObject({ kind: 'omitted', why: 'too-large', size: large.length + 5 });
    // The object ids let a prompt point at the rest.
    expect(git(repo, 'cat-file', 'blob', side('f.txt')?.theirs?.oid ?? '')).toBe('a\nTASK\nc');
    expect(userState(repo)).toEqual(before);
  });

  it('refuses a trailer value that could forge another trailer, making no commit', async () => {
    const { repo, task } = taskRepo({ 'src/sum.js': 'sum\n' });
    const before = userState(repo);
    const commits = (): number => git(repo, 'cat-file', '--batch-all-objects', '--batch-check=%(objecttype)').split('\n').filter((t) => t === 'commit').length;
    const commitsBefore = commits();

    await expect(
      prepareCandidate({ repo, base: 'main', taskCommit: task, subject: 's', trailers: { ...TRAILERS, task: 'T-001\nApproved-By: nobody' }, identity: IDENTITY }),
    ).rejects.toThrow(/trailer Task has an unsafe value/);
    expect(userState(repo)).toEqual(before);
    // merge-tree wrote the merged tree's objects; no commit object was added, even unreferenced.
    expect(commits()).toBe(commitsBefore);
  });

  it('recognises a task commit already in the base (published before a crash, or merged by hand)', async () => {
    const { repo, task } = taskRepo({ 'src/sum.js': 'sum\n' });
    git(repo, 'merge', '--quiet', '--no-ff', '-m', 'merged by hand', task);
    const merge = git(repo, 'rev-parse', 'HEAD');
    commitFile(repo, 'later.txt', 'later\n');

    const prepared = await prepareCandidate({ repo, base: 'main', taskCommit: task, subject: 's', trailers: TRAILERS, identity: IDENTITY });

    expect(prepared).toEqual({ kind: 'already-merged', baseTip: git(repo, 'rev-parse', 'HEAD'), merge });
  });
});

/**
 * main and a task branch forked from a commit with f.txt, gone.txt, b.bin and big.txt (over
 * SIDE_TEXT_LIMIT), each changed on both sides (gone.txt deleted on main).
 */
function threeWayRepo(): { repo: string; large: string; baseTip: string; task: string } {
  const repo = emptyRepo();
  const large = `${'x'.repeat(99)}\n`.repeat(SIDE_TEXT_LIMIT / 50);
  writeFileSync(join(repo, 'f.txt'), 'a\nb\nc\n');
  writeFileSync(join(repo, 'gone.txt'), 'gone\n');
  writeFileSync(join(repo, 'b.bin'), 'bin\0BASE');
  writeFileSync(join(repo, 'big.txt'), `${large}base\n`);
  git(repo, 'add', '.');
  git(repo, 'commit', '--quiet', '-m', 'fork point');
  git(repo, 'checkout', '--quiet', '-b', 'phaserunner/execution/T-001');
  writeFileSync(join(repo, 'f.txt'), 'a\nTASK\nc\n');
  writeFileSync(join(repo, 'gone.txt'), 'the task changed it\n');
  writeFileSync(join(repo, 'b.bin'), 'bin\0TASK');
  writeFileSync(join(repo, 'big.txt'), `${large}task\n`);
  git(repo, 'commit', '--quiet', '-am', 'task');
  const task = git(repo, 'rev-parse', 'HEAD');
  git(repo, 'checkout', '--quiet', 'main');
  writeFileSync(join(repo, 'f.txt'), 'a\nMAIN\nc\n');
  writeFileSync(join(repo, 'b.bin'), 'bin\0MAIN');
  writeFileSync(join(repo, 'big.txt'), `${large}main\n`);
  git(repo, 'rm', '--quiet', 'gone.txt');
  git(repo, 'commit', '--quiet', '-am', 'main moves on');
  return { repo, large, baseTip: git(repo, 'rev-parse', 'HEAD'), task };
}
