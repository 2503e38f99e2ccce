// publishCandidate (src/integrate/publish.ts) on real repositories: the base moves to exactly
// the tested candidate, and only from the tip it was built on; when another commit landed
// meanwhile the base stays where that commit put it, whether the base is checked out (the
// user's checkout is fast-forwarded) or not (the ref moves by compare-and-swap).
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareCandidate } from '../../src/integrate/candidate.js';
import { publishCandidate } from '../../src/integrate/publish.js';
import { testCandidate } from '../../src/integrate/test-candidate.js';
import { commitFile, git, tempDir, userState } from '../helpers/git.js';
import { IDENTITY, TRAILERS, taskRepo, useTestGitConfig } from '../helpers/integrate.js';

beforeAll(useTestGitConfig);

/** A repository with a candidate merging the task (src/sum.js) onto main's tip. */
async function withCandidate() {
  const { repo, baseTip, task } = taskRepo({ 'src/sum.js': 'export const sum = (a, b) => a + b;\n' });
  const prepared = await prepareCandidate({ repo, base: 'main', taskCommit: task, subject: 'execution: merge task T-001', trailers: TRAILERS, identity: IDENTITY });
  if (prepared.kind !== 'candidate') throw new Error(`expected a candidate, got ${prepared.kind}`);
  return { repo, baseTip, candidate: prepared.commit };
}

const tipOf = (repo: string): string => git(repo, 'rev-parse', 'refs/heads/main');

/** A commit on main made without a checkout of it (main is checked out nowhere). */
function landOnMain(repo: string): string {
  const landed = git(repo, 'commit-tree', '-p', 'main', '-m', 'landed meanwhile', 'main^{tree}');
  git(repo, 'update-ref', 'refs/heads/main', landed);
  return landed;
}

describe('publishCandidate', () => {
  it('fast-forwards the checkout that has the base to exactly the candidate, keeping the user’s uncommitted work', async () => {
    const { repo, baseTip, candidate } = await withCandidate();
    writeFileSync(join(repo, 'README.md'), '# project\n\nmy notes, not committed\n');

    expect(await publishCandidate({ repo, base: 'main', candidate, expectedTip: baseTip })).toEqual({ kind: 'published' });

    expect(tipOf(repo)).toBe(candidate);
    expect(readFileSync(join(repo, 'src/sum.js'), 'utf8')).toContain('sum');
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toContain('my notes');
  });

  it('moves the base ref by compare-and-swap when no checkout has it', async () => {
    const { repo, baseTip, candidate } = await withCandidate();
    git(repo, 'checkout', '--quiet', '-b', 'elsewhere');

    expect(await publishCandidate({ repo, base: 'main', candidate, expectedTip: baseTip })).toEqual({ kind: 'published' });

    expect(tipOf(repo)).toBe(candidate);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(baseTip);
  });

  for (const checkedOut of [true, false]) {
    it(`reports base-moved and moves nothing when another commit landed meanwhile (base ${checkedOut ? '' : 'not '}checked out)`, async () => {
      const { repo, baseTip, candidate } = await withCandidate();
      if (!checkedOut) git(repo, 'checkout', '--quiet', '--detach');
      // Another task's merge, or a person's commit, lands between the test and the publish.
      const landed = checkedOut ? commitFile(repo, 'other.txt', 'landed meanwhile\n') : landOnMain(repo);
      const before = userState(repo);

      expect(await publishCandidate({ repo, base: 'main', candidate, expectedTip: baseTip })).toEqual({ kind: 'base-moved', tip: landed });

      expect(tipOf(repo)).toBe(landed);
      expect(userState(repo)).toEqual(before);
    });
  }

  it('reports base-moved when the base was set back to an older commit, which a fast-forward would not notice', async () => {
    const { repo, baseTip, candidate } = await withCandidate();
    // The user drops main's last commit: the candidate would bring it back.
    git(repo, 'reset', '--quiet', '--hard', 'main~1');
    const older = tipOf(repo);
    const before = userState(repo);

    expect(await publishCandidate({ repo, base: 'main', candidate, expectedTip: baseTip })).toEqual({ kind: 'base-moved', tip: older });

    expect(userState(repo)).toEqual(before);
  });

  it('refuses a candidate that was not built on the expected tip', async () => {
    const { repo, candidate } = await withCandidate();
    const before = userState(repo);
    const other = git(repo, 'rev-parse', 'main~1');

    await expect(publishCandidate({ repo, base: 'main', candidate, expectedTip: other })).rejects.toThrow(/its first parent is .*, not the expected base tip/);
    expect(userState(repo)).toEqual(before);
  });

  it('waits, moving nothing, when the user’s uncommitted work would be overwritten', async () => {
    const { repo, baseTip, candidate } = await withCandidate();
    // The user's own untracked src/sum.js, where the candidate brings one: git refuses to overwrite it.
    mkdirSync(join(repo, 'src'));
    writeFileSync(join(repo, 'src/sum.js'), 'the user’s own sum.js\n');
    const before = userState(repo);

    const result = await publishCandidate({ repo, base: 'main', candidate, expectedTip: baseTip });

    expect(result.kind).toBe('waiting');
    if (result.kind === 'waiting') expect(result.reason).toMatch(/git refused to bring your checkout .* up to the merge, changing nothing/);
    expect(userState(repo)).toEqual(before);
    expect(readFileSync(join(repo, 'src/sum.js'), 'utf8')).toBe('the user’s own sum.js\n');
  });
});

describe('the merge queue step, end to end', () => {
  it('publishes exactly the commit it tested; a candidate made stale by another landing is rebuilt, retested and published', async () => {
    const { repo, task } = taskRepo({ 'src/sum.js': 'export const sum = (a, b) => a + b;\n' });
    const root = join(tempDir(), 'integration');
    const checks = [{ label: 'integration', argv: ['sh', '-c', 'test -f src/sum.js && git rev-parse HEAD'], timeout_seconds: 60 }];
    const tested: string[] = [];

    const step = async () => {
      const prepared = await prepareCandidate({ repo, base: 'main', taskCommit: task, subject: 'execution: merge task T-001', trailers: TRAILERS, identity: IDENTITY });
      if (prepared.kind !== 'candidate') throw new Error(prepared.kind);
      const result = await testCandidate({ repo, commit: prepared.commit, dir: join(root, 'T-001'), checks });
      expect(result.ok).toBe(true);
      tested.push((result.results[0]?.outputTail ?? '').trim());
      return prepared;
    };

    const first = await step();
    // Another merge lands while the first candidate was being tested.
    const landed = commitFile(repo, 'other.txt', 'landed meanwhile\n');
    expect(await publishCandidate({ repo, base: 'main', candidate: first.commit, expectedTip: first.baseTip })).toEqual({ kind: 'base-moved', tip: landed });

    const second = await step();
    expect(second.baseTip).toBe(landed);
    expect(await publishCandidate({ repo, base: 'main', candidate: second.commit, expectedTip: second.baseTip })).toEqual({ kind: 'published' });

    expect(tested).toEqual([first.commit, second.commit]);
    expect(tipOf(repo)).toBe(second.commit);
    expect(git(repo, 'rev-list', '--parents', '-n', '1', 'main').split(' ').slice(1)).toEqual([landed, task]);
  });
});
