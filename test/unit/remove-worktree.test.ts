// removeWorktree and discardWorktree (src/git/worktree.ts). removeWorktree leaves out `worktree prune` where nothing can be left to
// forget, and still forgets what must be: a record whose directory was deleted by hand would
// make the next `worktree add` at that path fail.
import { existsSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { addWorktree, discardWorktree, removeWorktree } from '../../src/git/worktree.js';
import { commitFile, emptyRepo, git, tempDir } from '../helpers/git.js';

function repo(): { dir: string; commonDir: string; at: (name: string) => string } {
  const dir = emptyRepo();
  commitFile(dir, 'a.txt', 'a\n');
  const where = tempDir();
  return { dir, commonDir: resolve(dir, git(dir, 'rev-parse', '--git-common-dir')), at: (name) => join(where, name) };
}

const listed = (dir: string): string => git(dir, 'worktree', 'list', '--porcelain');

describe('removeWorktree', () => {
  it('removes a worktree and git forgets it', async () => {
    const { dir, commonDir, at } = repo();
    await addWorktree(dir, at('T-001'), 'b1', 'HEAD');
    await removeWorktree(dir, at('T-001'), commonDir);
    expect(existsSync(at('T-001'))).toBe(false);
    expect(listed(dir)).not.toContain(at('T-001'));
    // The same path and branch again: nothing of the first is in the way.
    await addWorktree(dir, at('T-001'), 'b1', 'HEAD');
    expect(existsSync(join(at('T-001'), 'a.txt'))).toBe(true);
  });

  it('forgets a worktree whose directory was deleted by hand, so that one can be added there again', async () => {
    const { dir, commonDir, at } = repo();
    await addWorktree(dir, at('T-002'), 'b2', 'HEAD');
    rmSync(at('T-002'), { recursive: true, force: true });
    expect(listed(dir)).toContain('T-002');
    await removeWorktree(dir, at('T-002'), commonDir);
    expect(listed(dir)).not.toContain('T-002');
    await addWorktree(dir, at('T-002'), 'b2', 'HEAD');
    expect(existsSync(join(at('T-002'), 'a.txt'))).toBe(true);
  });

  it('keeps the records of other worktrees whose directories are there', async () => {
    const { dir, commonDir, at } = repo();
    await addWorktree(dir, at('T-003'), 'b3', 'HEAD');
    await removeWorktree(dir, at('T-004'), commonDir);
    expect(listed(dir)).toContain('T-003');
  });
});

describe('discardWorktree', () => {
  it('takes the worktree out of the way at once (gone, unknown to git, its branch free) and deletes its files when awaited', async () => {
    const { dir, commonDir, at } = repo();
    const trash = at('.trash');
    await addWorktree(dir, at('T-005'), 'b5', 'HEAD');
    writeFileSync(join(at('T-005'), 'untracked.txt'), 'x\n');
    const { deleted } = await discardWorktree(dir, at('T-005'), commonDir, trash);
    expect(existsSync(at('T-005'))).toBe(false);
    expect(listed(dir)).not.toContain('T-005');
    // No worktree holds the branch any more: it can be deleted (the runner does so next).
    git(dir, 'branch', '-D', 'b5');
    await deleted;
    expect(readdirSync(trash)).toEqual([]);
    // And the path can be a worktree again.
    await addWorktree(dir, at('T-005'), 'b5', 'HEAD');
    expect(existsSync(join(at('T-005'), 'a.txt'))).toBe(true);
  });

  it('removes it in place when it cannot be moved to the trash', async () => {
    const { dir, commonDir, at } = repo();
    writeFileSync(at('not-a-dir'), 'a file where the trash would be\n');
    await addWorktree(dir, at('T-006'), 'b6', 'HEAD');
    const { deleted } = await discardWorktree(dir, at('T-006'), commonDir, join(at('not-a-dir'), 'trash'));
    await deleted;
    expect(existsSync(at('T-006'))).toBe(false);
    expect(listed(dir)).not.toContain('T-006');
  });
});
