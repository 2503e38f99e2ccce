// Reading a branch's tip from its own file (src/git/loose-ref.ts) must say yes only when git
// would read exactly that: checked against real git, in each case where the file cannot tell.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { looseBranchIs } from '../../src/git/loose-ref.js';
import { discoverRepo } from '../../src/git/repo.js';
import { commitFile, git, repoWithIntent, tempDir } from '../helpers/git.js';

describe('looseBranchIs', () => {
  it('answers from refs/heads/<branch> in the common git directory, for the tip git has there, also from a linked worktree', async () => {
    const dir = repoWithIntent();
    const tip = git(dir, 'rev-parse', 'refs/heads/main');
    const repo = await discoverRepo(dir);
    expect(repo.refFormat).toBe('files');
    expect(looseBranchIs(repo, 'main', tip)).toBe(true);
    // Another commit is not the tip; neither is the tip with a different spelling.
    const parentless = git(dir, 'commit-tree', '-m', 'x', git(dir, 'rev-parse', 'main^{tree}'));
    expect(looseBranchIs(repo, 'main', parentless)).toBe(false);
    expect(looseBranchIs(repo, 'main', tip.toUpperCase())).toBe(false);
    expect(looseBranchIs(repo, 'main', tip.slice(0, 12))).toBe(false);
    // A branch in a directory, seen from a linked worktree (refs/heads is in the common dir).
    git(dir, 'branch', 'team/base');
    const linked = join(tempDir(), 'linked');
    git(dir, 'worktree', 'add', '--quiet', '--detach', linked);
    try {
      const fromLinked = await discoverRepo(linked);
      expect(fromLinked.commonDir).toBe(repo.commonDir);
      expect(looseBranchIs(fromLinked, 'team/base', tip)).toBe(true);
    } finally {
      git(dir, 'worktree', 'remove', '--force', linked);
    }
    // The branch moves: the file says so.
    const next = commitFile(dir, 'a.txt', 'a\n');
    expect(looseBranchIs(repo, 'main', tip)).toBe(false);
    expect(looseBranchIs(repo, 'main', next)).toBe(true);
  });

  it('leaves to git what the file cannot tell: a packed branch, a symbolic ref, another ref format, an unusual name', async () => {
    const dir = repoWithIntent();
    const tip = git(dir, 'rev-parse', 'refs/heads/main');
    const repo = await discoverRepo(dir);
    // Packed: no file, though git has the branch at that tip.
    git(dir, 'branch', 'packed');
    git(dir, 'pack-refs', '--all');
    expect(git(dir, 'rev-parse', 'refs/heads/packed')).toBe(tip);
    expect(looseBranchIs(repo, 'packed', tip)).toBe(false);
    expect(looseBranchIs(repo, 'main', tip)).toBe(false);
    // A symbolic ref's file names another ref.
    git(dir, 'symbolic-ref', 'refs/heads/alias', 'refs/heads/main');
    expect(git(dir, 'rev-parse', 'refs/heads/alias')).toBe(tip);
    expect(looseBranchIs(repo, 'alias', tip)).toBe(false);
    // The same file in a repository with another ref format means nothing.
    git(dir, 'update-ref', 'refs/heads/loose', tip);
    expect(looseBranchIs(repo, 'loose', tip)).toBe(true);
    expect(looseBranchIs({ ...repo, refFormat: 'reftable' }, 'loose', tip)).toBe(false);
    // Names whose file is not simply the name (git refuses them as branch names), each with
    // a file holding the tip where a path join would find one.
    const heads = join(repo.commonDir, 'refs', 'heads');
    mkdirSync(join(heads, 'odd'), { recursive: true });
    for (const file of ['odd/loose', 'x.lock', '.hidden', 'loose.', 'a..b']) writeFileSync(join(heads, file), `${tip}\n`);
    for (const name of ['odd/../loose', '../heads/loose', 'x.lock', '.hidden', 'loose.', 'a..b', '/loose', 'odd//loose', 'odd/loose/']) {
      expect({ name, is: looseBranchIs(repo, name, tip) }).toEqual({ name, is: false });
    }
    expect(looseBranchIs(repo, 'odd/loose', tip)).toBe(true);
  });
});
