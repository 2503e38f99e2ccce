// The runner's own git (src/git/exec.ts) runs nothing a repository's config names, and never
// runs for ever. Each vector is planted in a real repository the way an agent (or a
// repository's own setup) would, and the commands the runner uses are run through exec.ts;
// each also runs once through a plain git, to show the vector is live.
import { execFileSync, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, readdirSync, readFileSync, realpathSync, utimesSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parseRepositoryConfig } from '../../src/git/drivers.js';
import { DEFAULT_GIT_TIMEOUT_MINUTES, forgetRepositoryConfig, git, gitProcess, setGitTimeout } from '../../src/git/exec.js';
import { fastForwardCheckout, mergeTree } from '../../src/git/merge.js';
import { addWorktree } from '../../src/git/worktree.js';
import { PhaserunnerError } from '../../src/failures.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, emptyRepo, git as plainGit, tempDir } from '../helpers/git.js';
import { isAlive, until } from '../helpers/setup.js';

/** A program that appends its name and arguments to `marker`, then does what `then` says. */
function planted(marker: string, name: string, then = 'exit 0'): string {
  const file = join(tempDir(), name);
  writeFileSync(file, `#!/bin/sh\necho "${name} $*" >> '${marker}'\n${then}\n`);
  chmodSync(file, 0o755);
  return file;
}

function ran(marker: string): string {
  return existsSync(marker) ? readFileSync(marker, 'utf8') : '';
}

/** A plain git, as a user's or an agent's, in the test's environment; never throws. */
function userGit(cwd: string, ...args: string[]): void {
  spawnSync('git', args, { cwd, env: testEnv(), stdio: 'ignore' });
}

/** A commit object carrying a (meaningless) signature: verifying it runs gpg.program. */
function signedCommit(repo: string, parent: string): string {
  const tree = plainGit(repo, 'rev-parse', `${parent}^{tree}`);
  const body = [
    `tree ${tree}`,
    `parent ${parent}`,
    'author A <a@example.invalid> 1700000000 +0000',
    'committer A <a@example.invalid> 1700000000 +0000',
    'gpgsig -----BEGIN PGP SIGNATURE-----',
    ' ',
    ' iQEzBAABCAAdFiEE',
    ' -----END PGP SIGNATURE-----',
    '',
    'signed',
    '',
  ].join('\n');
  return execFileSync('git', ['hash-object', '-t', 'commit', '-w', '--stdin'], { cwd: repo, env: testEnv(), input: body, encoding: 'utf8' }).trim();
}

afterEach(() => {
  forgetRepositoryConfig();
  setGitTimeout(DEFAULT_GIT_TIMEOUT_MINUTES);
});

describe("the runner's git", () => {
  it('runs no core.fsmonitor command, set in .git/config or through an includeIf file', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'a.md', 'a\n');
    const marker = join(tempDir(), 'ran');
    plainGit(repo, 'config', 'core.fsmonitor', planted(marker, 'direct'));
    userGit(repo, 'status');
    expect(ran(marker)).toContain('direct');
    writeFileSync(marker, '');
    const runnersOwn = async (): Promise<void> => {
      await git(['status', '--porcelain=v1', '-z', '--untracked-files=all'], { cwd: repo });
      await git(['ls-files', '-z', '--others', '--ignored', '--exclude-standard'], { cwd: repo });
      await git(['write-tree'], { cwd: repo });
      await addWorktree(repo, join(tempDir(), 'wt'), `side-${Date.now()}`, 'HEAD');
    };
    await runnersOwn();
    expect(ran(marker)).toBe('');

    plainGit(repo, 'config', '--unset', 'core.fsmonitor');
    const included = join(tempDir(), 'included.config');
    writeFileSync(included, `[core]\n\tfsmonitor = ${planted(marker, 'included')}\n`);
    plainGit(repo, 'config', 'includeIf.gitdir:**/.git.path', included);
    userGit(repo, 'status');
    expect(ran(marker)).toContain('included');
    writeFileSync(marker, '');
    forgetRepositoryConfig();
    await runnersOwn();
    expect(ran(marker)).toBe('');
  });

  it('runs no filter named in info/attributes: status, worktree add and merge --ff-only pass the bytes as they are', async () => {
    const repo = emptyRepo();
    const base = commitFile(repo, 'a.md', 'stored\n');
    const next = commitFile(repo, 'b.md', 'next\n');
    plainGit(repo, 'reset', '--quiet', '--hard', base);
    const marker = join(tempDir(), 'ran');
    plainGit(repo, 'config', 'filter.evil.clean', planted(marker, 'clean', 'cat'));
    plainGit(repo, 'config', 'filter.evil.smudge', planted(marker, 'smudge', 'cat'));
    plainGit(repo, 'config', 'filter.evil.process', planted(marker, 'process', 'exit 1'));
    plainGit(repo, 'config', 'filter.evil.required', 'true');
    writeFileSync(join(repo, '.git', 'info', 'attributes'), '* filter=evil\n');
    // A file changed, its size the same: status reads it through the filter to compare.
    writeFileSync(join(repo, 'a.md'), 'STORED\n');
    userGit(repo, 'status');
    expect(ran(marker)).toContain('process');
    writeFileSync(marker, '');

    const status = await git(['status', '--porcelain=v1', '-z'], { cwd: repo });
    expect(status.stdout).toBe(' M a.md\0');
    // A new worktree checks files out; a fast-forward checks the user's files, then writes.
    const wt = join(tempDir(), 'wt');
    await addWorktree(repo, wt, 'side', next);
    expect(readFileSync(join(wt, 'b.md'), 'utf8')).toBe('next\n');
    writeFileSync(join(repo, 'a.md'), 'stored\n');
    expect(await fastForwardCheckout(repo, next)).toEqual({ ok: true });
    expect(readFileSync(join(repo, 'b.md'), 'utf8')).toBe('next\n');
    expect(ran(marker)).toBe('');
  });

  it('runs no filter that only a new worktree\'s own config defines (includeIf "onbranch:" for its branch)', async () => {
    const repo = emptyRepo();
    const base = commitFile(repo, 'a.md', 'stored\n');
    const marker = join(tempDir(), 'ran');
    const included = join(tempDir(), 'branch.config');
    writeFileSync(included, `[filter "onbranch"]\n\tsmudge = ${planted(marker, 'smudge', 'cat')}\n\tclean = ${planted(marker, 'clean', 'cat')}\n\trequired = true\n`);
    plainGit(repo, 'config', 'includeIf.onbranch:phase/**.path', included);
    writeFileSync(join(repo, '.git', 'info', 'attributes'), '* filter=onbranch\n');
    userGit(repo, 'worktree', 'add', '--quiet', '-b', 'phase/control', join(tempDir(), 'control'), base);
    expect(ran(marker)).toContain('smudge');
    writeFileSync(marker, '');

    const wt = join(tempDir(), 'wt');
    await addWorktree(repo, wt, 'phase/one', base);
    expect(readFileSync(join(wt, 'a.md'), 'utf8')).toBe('stored\n');
    writeFileSync(join(wt, 'a.md'), 'STORED\n');
    expect((await git(['status', '--porcelain=v1', '-z'], { cwd: wt })).stdout).toBe(' M a.md\0');
    expect(ran(marker)).toBe('');
  });

  it('runs no filter when it writes an index: git re-reads racily clean entries from the checkout', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'a.md', 'a\n');
    const marker = join(tempDir(), 'ran');
    plainGit(repo, 'config', 'filter.evil.clean', planted(marker, 'clean', 'cat'));
    writeFileSync(join(repo, '.git', 'info', 'attributes'), '* filter=evil\n');
    // A file dated after the index: its entry stays racily clean at every write of the index.
    writeFileSync(join(repo, 'b.md'), 'b\n');
    const later = new Date(Date.now() + 3_600_000);
    utimesSync(join(repo, 'b.md'), later, later);
    const staged = async (): Promise<string> => {
      const index = join(tempDir(), 'index');
      await git(['read-tree', 'HEAD'], { cwd: repo, env: { GIT_INDEX_FILE: index } });
      await git(['add', '--', 'b.md'], { cwd: repo, env: { GIT_INDEX_FILE: index } });
      return index;
    };
    const ours = await staged();
    const control = await staged();
    expect(ran(marker)).toBe('');

    await git(['write-tree'], { cwd: repo, env: { GIT_INDEX_FILE: ours } });
    await git(['update-index', '-z', '--index-info'], { cwd: repo, input: '', env: { GIT_INDEX_FILE: ours } });
    await git(['read-tree', '-m', 'HEAD'], { cwd: repo, env: { GIT_INDEX_FILE: ours } });
    expect(ran(marker)).toBe('');
    spawnSync('git', ['write-tree'], { cwd: repo, env: { ...testEnv(), GIT_INDEX_FILE: control }, stdio: 'ignore' });
    expect(ran(marker)).toContain('clean');
  });

  it('runs no merge driver (named by an attribute or by merge.default): the file is a conflict', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'f.txt', 'a\nb\nc\n');
    plainGit(repo, 'checkout', '--quiet', '-b', 'side');
    const theirs = commitFile(repo, 'f.txt', 'a\nB\nc\n');
    plainGit(repo, 'checkout', '--quiet', 'main');
    const ours = commitFile(repo, 'f.txt', 'a\nb2\nc\n');
    const marker = join(tempDir(), 'ran');
    // A driver that "resolves" by taking theirs: it would merge cleanly.
    plainGit(repo, 'config', 'merge.evil.driver', `${planted(marker, 'driver')} && cp %B %A`);
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'f.txt merge=evil\n');
    userGit(repo, 'merge-tree', '--write-tree', ours, theirs);
    expect(ran(marker)).toContain('driver');
    writeFileSync(marker, '');

    expect(await mergeTree(repo, ours, theirs)).toEqual({ clean: false, conflicts: ['f.txt'] });
    writeFileSync(join(repo, '.git', 'info', 'attributes'), '');
    plainGit(repo, 'config', 'merge.default', 'evil');
    forgetRepositoryConfig();
    expect(await mergeTree(repo, ours, theirs)).toEqual({ clean: false, conflicts: ['f.txt'] });
    expect(ran(marker)).toBe('');
  });

  it('runs no external diff or diff driver: a diff that would need one fails instead', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'a.md', 'a\n');
    const marker = join(tempDir(), 'ran');
    plainGit(repo, 'config', 'diff.external', planted(marker, 'external'));
    plainGit(repo, 'config', 'diff.evil.textconv', planted(marker, 'textconv', 'cat "$1"'));
    plainGit(repo, 'config', 'diff.evil.command', planted(marker, 'command'));
    writeFileSync(join(repo, '.git', 'info', 'attributes'), '* diff=evil\n');
    writeFileSync(join(repo, 'a.md'), 'b\n');
    userGit(repo, 'diff');
    expect(ran(marker)).not.toBe('');
    writeFileSync(marker, '');

    await expect(git(['diff'], { cwd: repo })).rejects.toThrow(PhaserunnerError);
    await expect(git(['diff', '--no-ext-diff'], { cwd: repo })).rejects.toThrow(PhaserunnerError);
    expect((await git(['diff', '--name-only', '-z', '--no-ext-diff', '--no-textconv', 'HEAD'], { cwd: repo })).stdout).toBe('a.md\0');
    expect(ran(marker)).toBe('');
  });

  it('checks no signature (merge.verifySignatures, log.showSignature), so gpg.program never runs', async () => {
    const repo = emptyRepo();
    const base = commitFile(repo, 'a.md', 'a\n');
    const signed = signedCommit(repo, base);
    const marker = join(tempDir(), 'ran');
    plainGit(repo, 'config', 'gpg.program', planted(marker, 'gpg', 'exit 1'));
    plainGit(repo, 'config', 'log.showSignature', 'true');
    plainGit(repo, 'config', 'merge.verifySignatures', 'true');
    userGit(repo, 'log', '-1', '--format=%H', signed);
    expect(ran(marker)).toContain('gpg');
    writeFileSync(marker, '');
    userGit(repo, 'merge', '--ff-only', '--quiet', signed);
    expect(ran(marker)).toContain('gpg');
    writeFileSync(marker, '');

    await git(['log', '-1', '--format=%H', signed], { cwd: repo });
    const log = gitProcess(['log', '--format=%H', signed], { cwd: repo });
    log.stdin.end();
    log.stdout.resume();
    await log.done;
    expect(await fastForwardCheckout(repo, signed)).toEqual({ ok: true });
    expect(ran(marker)).toBe('');
  });

  it('starts no automatic gc: a merge in a repository past gc.autoPackLimit leaves its packs alone', async () => {
    const repo = emptyRepo();
    for (const name of ['a', 'b', 'c']) {
      commitFile(repo, `${name}.md`, `${name}\n`);
      plainGit(repo, 'repack', '-q');
    }
    const next = plainGit(repo, 'rev-parse', 'HEAD');
    plainGit(repo, 'reset', '--quiet', '--hard', 'HEAD~1');
    // A plain `git merge` would now run `gc --auto`, in the foreground, and pack them into one.
    plainGit(repo, 'config', 'gc.autoPackLimit', '1');
    plainGit(repo, 'config', 'gc.autoDetach', 'false');
    const packs = (): string => /^packs: (\d+)$/m.exec(plainGit(repo, 'count-objects', '-v'))?.[1] ?? '';
    expect(packs()).toBe('3');
    expect(await fastForwardCheckout(repo, next)).toEqual({ ok: true });
    expect(packs()).toBe('3');
  });

  it('reads a repository\'s drivers with their case, dots in their names and every section', () => {
    const out = ['filter.Lfs.v2.clean\ngit-lfs clean', 'filter.lfs.required\ntrue', 'merge.ours.driver\ntrue', 'merge.default\nours', 'diff.external\nx', 'diff.pdf.textconv\npdftotext', 'core.filemode\nfalse', ''].join('\0');
    const config = parseRepositoryConfig(out);
    expect(config.fileMode).toBe(false);
    expect(config.neutralised).toEqual([
      ['filter.Lfs.v2.clean', ''],
      ['filter.Lfs.v2.smudge', ''],
      ['filter.Lfs.v2.process', ''],
      ['filter.Lfs.v2.required', 'false'],
      ['filter.lfs.clean', ''],
      ['filter.lfs.smudge', ''],
      ['filter.lfs.process', ''],
      ['filter.lfs.required', 'false'],
      ['merge.ours.driver', 'false'],
      ['diff.pdf.textconv', ''],
      ['diff.pdf.command', ''],
    ]);
    expect(parseRepositoryConfig('core.filemode\0').fileMode).toBe(true);
    expect(parseRepositoryConfig('').fileMode).toBe(true);
  });

  it('stops a git that does not finish within the timeout, with its process group, and says so', async () => {
    const repo = emptyRepo();
    commitFile(repo, 'a.md', 'a\n');
    // A config include that is a named pipe nobody writes: git waits on it for ever.
    const fifo = join(tempDir(), 'never');
    execFileSync('mkfifo', [fifo]);
    plainGit(repo, 'config', 'include.path', fifo);
    setGitTimeout(0.005); // 300 ms
    await expect(git(['rev-parse', 'HEAD'], { cwd: repo })).rejects.toMatchObject({ failure: { reason: 'git-failed', command: 'git rev-parse HEAD', exitCode: null, timedOutMinutes: 0.005 } });
    // A reader that owes output and prints nothing is stopped too.
    const reader = gitProcess(['cat-file', '--batch'], { cwd: repo });
    reader.stdout.resume();
    await expect(reader.done).rejects.toMatchObject({ failure: { reason: 'git-failed', timedOutMinutes: 0.005 } });
    // Nothing is left waiting on the pipe.
    await until(() => gitsIn(repo).length === 0, 5_000, 'the stopped gits to end');
  });

  it('does not stop a reader that waits for questions, however long it waits', async () => {
    const repo = emptyRepo();
    const commit = commitFile(repo, 'a.md', 'a\n');
    setGitTimeout(0.002); // 120 ms
    let pending = 0;
    const reader = gitProcess(['cat-file', '--batch-check'], { cwd: repo, owesOutput: () => pending > 0 });
    const answers: string[] = [];
    reader.stdout.on('data', (chunk: Buffer) => {
      answers.push(chunk.toString());
      pending = 0;
    });
    await new Promise((r) => setTimeout(r, 600));
    pending = 1;
    reader.stdin.end(`${commit}\n`);
    await reader.done;
    expect(answers.join('')).toContain(`${commit} commit`);
  });
});

/** Pids of the git processes whose working directory is `dir`. */
function gitsIn(dir: string): number[] {
  const found: number[] = [];
  for (const entry of readdirSync('/proc')) {
    if (!/^\d+$/.test(entry)) continue;
    try {
      if (readFileSync(`/proc/${entry}/comm`, 'utf8').trim() === 'git' && realpathSync(`/proc/${entry}/cwd`) === realpathSync(dir) && isAlive(Number(entry))) found.push(Number(entry));
    } catch {
      // Gone meanwhile, or not ours to look at.
    }
  }
  return found;
}
