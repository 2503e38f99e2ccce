// Staging an attempt's outputs (src/git/commit.ts stageOnto), on a real repository whose
// config and attributes would change the bytes on the way in: a clean filter that must not
// run, end-of-line conversion, odd file names, modes, deletions, a file replacing a directory.
import { execFileSync } from 'node:child_process';
import { chmodSync, existsSync, mkdirSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { stageOnto } from '../../src/git/commit.js';
import { forgetRepositoryConfig } from '../../src/git/exec.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, emptyRepo, git, tempDir } from '../helpers/git.js';

/** The mode and exact bytes of every file in `tree`. */
function treeFiles(repo: string, tree: string): Map<string, { mode: string; bytes: Buffer }> {
  const files = new Map<string, { mode: string; bytes: Buffer }>();
  for (const record of git(repo, 'ls-tree', '-r', '-z', tree).split('\0')) {
    if (record === '') continue;
    const tab = record.indexOf('\t');
    const [mode = '', , oid = ''] = record.slice(0, tab).split(' ');
    files.set(record.slice(tab + 1), { mode, bytes: execFileSync('git', ['cat-file', 'blob', oid], { cwd: repo, env: testEnv() }) });
  }
  return files;
}

describe('stageOnto', () => {
  it('stores each file byte for byte: no clean filter runs, no end-of-line conversion, odd names kept, deletions and modes as git add makes them', async () => {
    const repo = emptyRepo();
    const marker = join(tempDir(), 'filter-ran');
    commitFile(repo, 'planning/a.md', 'old\n');
    commitFile(repo, 'planning/gone.md', 'gone\n');
    commitFile(repo, 'planning/was-dir/x.md', 'x\n');
    commitFile(repo, 'tool.sh', '#!/bin/sh\n');
    git(repo, 'update-index', '--chmod=+x', 'tool.sh');
    git(repo, 'commit', '--quiet', '-m', 'exec');
    const base = git(repo, 'rev-parse', 'HEAD');
    // A filter that would upper-case, and would mark that it ran; required, so a filter that
    // did not run would be an error if git thought it had to.
    git(repo, 'config', 'filter.up.clean', `echo clean >> '${marker}'; tr a-z A-Z`);
    git(repo, 'config', 'filter.up.smudge', `echo smudge >> '${marker}'; cat`);
    git(repo, 'config', 'filter.up.required', 'true');
    git(repo, 'config', 'core.autocrlf', 'true');
    writeFileSync(join(repo, '.git', 'info', 'attributes'), '* filter=up text eol=lf\n');
    forgetRepositoryConfig();

    writeFileSync(join(repo, 'planning/a.md'), 'new text\r\nwith CRLF\r\n');
    writeFileSync(join(repo, 'planning/we\nird.md'), 'newline in the name\n');
    writeFileSync(join(repo, 'planning/"quoted\\.md'), 'quote and backslash\n');
    writeFileSync(join(repo, 'planning/tab\there é.md'), 'tab, space, accent\n');
    writeFileSync(join(repo, 'planning/run.sh'), '#!/bin/sh\n');
    chmodSync(join(repo, 'planning/run.sh'), 0o755);
    rmSync(join(repo, 'planning/gone.md'));
    rmSync(join(repo, 'planning/was-dir'), { recursive: true });
    writeFileSync(join(repo, 'planning/was-dir'), 'a file now\n');
    const paths = ['planning/a.md', 'planning/we\nird.md', 'planning/"quoted\\.md', 'planning/tab\there é.md', 'planning/run.sh', 'planning/gone.md', 'planning/was-dir/x.md', 'planning/was-dir'];

    const tree = await stageOnto(repo, base, paths, join(tempDir(), 'index'));
    const files = treeFiles(repo, tree);
    expect([...files.keys()].sort()).toEqual(['planning/"quoted\\.md', 'planning/a.md', 'planning/run.sh', 'planning/tab\there é.md', 'planning/was-dir', 'planning/we\nird.md', 'tool.sh']);
    const text = (path: string): string | undefined => files.get(path)?.bytes.toString('utf8');
    expect(text('planning/a.md')).toBe('new text\r\nwith CRLF\r\n');
    expect(text('planning/we\nird.md')).toBe('newline in the name\n');
    expect(text('planning/"quoted\\.md')).toBe('quote and backslash\n');
    expect(text('planning/tab\there é.md')).toBe('tab, space, accent\n');
    expect(text('planning/was-dir')).toBe('a file now\n');
    expect(files.get('planning/run.sh')?.mode).toBe('100755');
    expect(files.get('planning/a.md')?.mode).toBe('100644');
    expect(files.get('tool.sh')?.mode).toBe('100755');
    expect(existsSync(marker)).toBe(false);
    // The checkout's own index is untouched.
    expect(git(repo, 'diff', '--cached', '--name-only', '--no-ext-diff')).toBe('');
  });

  it('with core.fileMode false, keeps each path\'s mode from the base and makes new files not executable, as git add does', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'tool.sh', '#!/bin/sh\n');
    git(repo, 'update-index', '--chmod=+x', 'tool.sh');
    git(repo, 'commit', '--quiet', '-m', 'exec');
    const base = git(repo, 'rev-parse', 'HEAD');
    git(repo, 'config', 'core.fileMode', 'false');
    forgetRepositoryConfig();
    chmodSync(join(repo, 'tool.sh'), 0o644);
    writeFileSync(join(repo, 'tool.sh'), '#!/bin/sh\necho changed\n');
    writeFileSync(join(repo, 'new.sh'), '#!/bin/sh\n');
    chmodSync(join(repo, 'new.sh'), 0o755);
    const files = treeFiles(repo, await stageOnto(repo, base, ['tool.sh', 'new.sh'], join(tempDir(), 'index')));
    expect(files.get('tool.sh')?.mode).toBe('100755');
    expect(files.get('new.sh')?.mode).toBe('100644');
  });

  it('refuses to stage a symbolic link, or a file through a linked directory', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'README.md', '# R\n');
    const base = git(repo, 'rev-parse', 'HEAD');
    mkdirSync(join(repo, 'planning'));
    symlinkSync('../.git/config', join(repo, 'planning/link.md'));
    await expect(stageOnto(repo, base, ['planning/link.md'], join(tempDir(), 'index'))).rejects.toThrow('cannot stage "planning/link.md": it is not a regular file');
    symlinkSync(repo, join(repo, 'up'));
    await expect(stageOnto(repo, base, ['up/README.md'], join(tempDir(), 'index'))).rejects.toThrow('cannot stage "up/README.md": "up" is a symbolic link');
  });
});
