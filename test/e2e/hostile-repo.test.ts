// Repositories in awkward states: hooks that fail or hang, a checkout mid-rebase, mid-merge,
// detached or holding a stale index.lock, a shallow clone, an old git. Each gets a clear
// message and the right exit code, and the user's refs, index and files are left alone.
import { chmodSync, existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { commitFile, git, tempDir, userState, usersOwnState } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';

const PHASE1_DONE = /phase 1 architecture-baseline: done/;

/** A commit on a side branch and one on main that conflict on f.txt. */
function divergedOnFile(repo: string): void {
  commitFile(repo, 'f.txt', 'base\n', 'f');
  git(repo, 'checkout', '--quiet', '-b', 'side');
  commitFile(repo, 'f.txt', 'side\n', 'side change');
  git(repo, 'checkout', '--quiet', 'main');
  commitFile(repo, 'f.txt', 'main\n', 'main change');
}

describe('the runner in a repository', () => {
  it('runs none of the git hooks, so a failing or hanging hook cannot wedge a phase', () => {
    const repo = scriptedRepo();
    const marker = join(repo, 'hook-ran');
    const hooks = join(repo, '.git', 'hooks');
    mkdirSync(hooks, { recursive: true });
    for (const hook of ['pre-commit', 'commit-msg', 'post-commit', 'post-checkout', 'post-merge', 'reference-transaction', 'pre-auto-gc']) {
      writeFileSync(join(hooks, hook), `#!/bin/sh\necho ${hook} >> "${marker}"\nsleep 600\nexit 1\n`);
      chmodSync(join(hooks, hook), 0o755);
    }
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toMatch(PHASE1_DONE);
    expect(existsSync(marker)).toBe(false);
  });

  it('waits, changing nothing, while the base branch is being rebased, and merges once the rebase ends', () => {
    const repo = scriptedRepo();
    divergedOnFile(repo);
    // A rebase of main onto side stops at the conflict: HEAD detached, main "being rebased".
    expect(() => git(repo, 'rebase', 'side')).toThrow();
    const mainBefore = git(repo, 'rev-parse', 'refs/heads/main');
    const blocked = cli(repo, ['run', '--wait', '--until', '1']);
    expect(blocked.code).toBe(2);
    expect(blocked.stdout).toContain(`but main is in the middle of a rebase in ${repo}; ending it would set main back and drop the merge.`);
    expect(git(repo, 'rev-parse', 'refs/heads/main')).toBe(mainBefore);
    git(repo, 'rebase', '--abort');
    const resumed = cli(repo, ['run', '--wait', '--until', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(git(repo, 'log', '-1', '--format=%s', 'main')).toBe('planning: merge phase 1 architecture-baseline into main');
  });

  it('waits, changing nothing, while the checkout of the base is in the middle of a merge', () => {
    const repo = scriptedRepo();
    divergedOnFile(repo);
    expect(() => git(repo, 'merge', 'side')).toThrow(); // stops at the conflict
    const before = usersOwnState(repo);
    const blocked = cli(repo, ['run', '--wait', '--until', '1']);
    expect(blocked.code).toBe(2);
    expect(blocked.stdout).toMatch(/git refused to bring your checkout .* up to the merge, changing nothing/);
    expect(usersOwnState(repo)).toEqual(before);
    expect(git(repo, 'rev-parse', 'MERGE_HEAD')).toBe(git(repo, 'rev-parse', 'side'));
    git(repo, 'merge', '--abort');
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
  });

  it('waits on a stale index.lock in the checkout of the base, and goes on once it is gone', () => {
    const repo = scriptedRepo();
    writeFileSync(join(repo, '.git', 'index.lock'), '');
    const blocked = cli(repo, ['run', '--wait', '--until', '1']);
    expect(blocked.code).toBe(2);
    expect(blocked.stdout).toMatch(/index\.lock/);
    rmSync(join(repo, '.git', 'index.lock'));
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
  });

  it('leaves a detached HEAD where it is and moves the base branch', () => {
    const repo = scriptedRepo();
    git(repo, 'checkout', '--quiet', '--detach');
    const head = git(repo, 'rev-parse', 'HEAD');
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(head);
    expect(() => git(repo, 'symbolic-ref', '-q', 'HEAD')).toThrow(); // still detached
    expect(git(repo, 'log', '-1', '--format=%s', 'main')).toBe('planning: merge phase 1 architecture-baseline into main');
  });

  it('refuses to run in a shallow clone (78), whose cut history may hide planning already done, and runs once unshallowed', () => {
    const origin = scriptedRepo();
    const clone = join(tempDir(), 'shallow');
    git(origin, 'clone', '--quiet', '--depth', '1', `file://${origin}`, clone);
    expect(git(clone, 'rev-parse', '--is-shallow-repository')).toBe('true');
    const refused = cli(clone, ['run', '--wait', '--until', '1']);
    expect(refused.code).toBe(78);
    expect(refused.stderr.trim().split('\n').at(-1)).toBe('Next: Fetch the whole history (`git fetch --unshallow`), then run this again.');
    git(clone, 'fetch', '--quiet', '--unshallow');
    const result = cli(clone, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(runsOf(clone).map((r) => r.step)).toEqual(['merged']);
  });

  it('refuses a git older than it needs (exit 69), naming both versions, before touching anything', () => {
    const repo = scriptedRepo();
    const bin = tempDir();
    // A git that says it is 2.20.1 and otherwise is the real one (found on the original PATH).
    const path = process.env.PATH ?? '';
    writeFileSync(join(bin, 'git'), `#!/bin/sh\nif [ "$1" = version ]; then echo "git version 2.20.1"; exit 0; fi\nPATH='${path}' exec git "$@"\n`);
    chmodSync(join(bin, 'git'), 0o755);
    const before = userState(repo);
    const result = cli(repo, ['run'], { PATH: `${bin}:${path}` });
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('2.20.1');
    expect(result.stderr).toContain('2.38.0');
    expect(userState(repo)).toEqual(before);
  });
});
