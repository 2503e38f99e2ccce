// Which changed outputs are not regular files (src/runner/output-files.ts), on a real checkout.
import { execFileSync } from 'node:child_process';
import { mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { changedPaths } from '../../src/git/status.js';
import { notRegularFiles } from '../../src/runner/output-files.js';
import { commitFile, emptyRepo, git } from '../helpers/git.js';

describe('notRegularFiles', () => {
  it('names symbolic links, other repositories and named pipes; files, and paths git reports deleted, pass', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'out/was-file', 'x\n');
    commitFile(repo, 'out/kept.md', 'x\n');
    writeFileSync(join(repo, 'out/new.md'), 'new\n');
    writeFileSync(join(repo, 'out/kept.md'), 'changed\n');
    symlinkSync('/etc/hostname', join(repo, 'out/abs.md'));
    symlinkSync('../..', join(repo, 'out/up.md'));
    // A tracked file replaced by a directory of files: deleted, and new files under it.
    rmSync(join(repo, 'out/was-file'));
    mkdirSync(join(repo, 'out/was-file'));
    writeFileSync(join(repo, 'out/was-file/a.md'), 'a\n');
    mkdirSync(join(repo, 'out/nested'));
    git(join(repo, 'out/nested'), 'init', '--quiet');
    writeFileSync(join(repo, 'out/nested/x'), 'x\n');
    execFileSync('mkfifo', [join(repo, 'out/pipe.md')]);

    const changed = await changedPaths(repo);
    expect(notRegularFiles(repo, changed, ['out/pipe.md'])).toEqual([
      { path: 'out/abs.md', kind: 'a symbolic link' },
      { path: 'out/nested/', kind: 'a directory (a submodule or another repository)' },
      { path: 'out/up.md', kind: 'a symbolic link' },
      { path: 'out/pipe.md', kind: 'a named pipe' },
    ]);
  });
});
