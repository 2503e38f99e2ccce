// The user's checkout: uncommitted work is never lost, a base branch that moved is never
// overwritten, and when the merge cannot be applied safely the runner stops and says how to go on.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, tempDir, userState, writeFile } from '../helpers/git.js';
import { readStore } from '../helpers/store.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

describe('the user\'s checkout', () => {
  it('keeps unstaged, staged and untracked changes and the stash through a whole run', () => {
    const repo = scriptedRepo();
    writeFile(repo, 'stashed.txt', 'stash me\n');
    git(repo, 'stash', 'push', '--include-untracked', '--quiet', '-m', 'my stash');
    writeFileSync(join(repo, 'README.md'), '# Test project\n\nWork in progress.\n');
    writeFile(repo, 'notes.txt', 'staged notes\n');
    git(repo, 'add', 'notes.txt');
    writeFile(repo, 'scratch/idea.md', 'untracked idea\n');
    const before = userState(repo);

    const result = cli(repo, ['run', '--wait']);
    expect(result.code, result.stderr).toBe(0);
    const after = userState(repo);
    expect(after.status).toBe(before.status);
    expect(after.diff).toBe(before.diff);
    expect(after.stash).toBe(before.stash);
    expect(readFileSync(join(repo, 'README.md'), 'utf8')).toBe('# Test project\n\nWork in progress.\n');
    expect(git(repo, 'diff', '--cached', '--name-only')).toBe('notes.txt');
    // The checkout moved to the new tip: the plan is there, next to the user's work.
    expect(after.headCommit).toBe(git(repo, 'rev-parse', 'main'));
    expect(existsSync(join(repo, 'planning', 'tasks.json'))).toBe(true);
  });

  it('blocks the merge instead of overwriting an uncommitted file, and continues once it is gone', () => {
    const repo = scriptedRepo();
    writeFile(repo, 'planning/architecture.md', 'my own draft\n');
    const mainBefore = git(repo, 'rev-parse', 'main');

    const blocked = cli(repo, ['run', '--wait']);
    expect(blocked.code).toBe(2);
    expect(blocked.stdout).toMatch(/phase 1 architecture-baseline: committed [0-9a-f]{12}/);
    expect(blocked.stdout).toMatch(/git refused to bring your checkout .* \(which has main\) up to the merge, changing nothing: .*planning\/architecture\.md/);
    expect(blocked.stderr.trim().split('\n').at(-1)).toMatch(/^Next: Phase 1 \(architecture-baseline\) is blocked: .*Fix that, then `phaserunner run`\./);
    expect(readFileSync(join(repo, 'planning/architecture.md'), 'utf8')).toBe('my own draft\n');
    expect(git(repo, 'rev-parse', 'main')).toBe(mainBefore);
    expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]?.state).toBe('blocked');

    unlinkSync(join(repo, 'planning/architecture.md'));
    const resumed = cli(repo, ['run', '--wait']);
    expect(resumed.code, resumed.stderr).toBe(0);
    // The agent was not dispatched again: the committed attempt was merged.
    expect(resumed.stdout).not.toContain('phase 1 architecture-baseline: dispatched');
    const states = readStore<{ from_state: string; to_state: string }>(repo, "SELECT from_state, to_state FROM transitions WHERE step_id = '1' ORDER BY id");
    expect(states.map((t) => `${t.from_state}->${t.to_state}`)).toEqual(['pending->running', 'running->blocked', 'blocked->done']);
  });

  it('commits outputs the repository ignores, and leaves the user\'s own ignored files alone', () => {
    const repo = scriptedRepo();
    commitFile(repo, '.gitignore', 'planning/\n.cache/\n');
    writeFile(repo, '.cache/ignored-by-user.txt', 'mine\n');
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main', 'planning')).toBe(
      ['planning/adr/0001-record-architecture-decisions.md', 'planning/adr/0002-one-server-process-and-one-sqlite-file-no-extern.md', 'planning/architecture.md'].join('\n'),
    );
    expect(readFileSync(join(repo, '.cache/ignored-by-user.txt'), 'utf8')).toBe('mine\n');
  });

  it('does not overwrite a file the user\'s .gitignore ignores, where the merge brings one', () => {
    const repo = scriptedRepo();
    commitFile(repo, '.gitignore', 'planning/\n');
    writeFile(repo, 'planning/architecture.md', 'MY PRIVATE NOTES\n');
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code).toBe(2);
    expect(readFileSync(join(repo, 'planning/architecture.md'), 'utf8')).toBe('MY PRIVATE NOTES\n');
    expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]?.state).toBe('blocked');
  });

  it('recognises a phase the user merged by hand while it was blocked, instead of merging it twice', () => {
    const repo = scriptedRepo();
    writeFile(repo, 'planning/architecture.md', 'draft\n');
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(2);
    unlinkSync(join(repo, 'planning/architecture.md'));
    git(repo, 'merge', '--quiet', '--no-ff', '-m', 'Merge phase 1 by hand', 'phaserunner/planning/1-architecture-baseline');
    const byHand = git(repo, 'rev-parse', 'HEAD');
    const result = cli(repo, ['run', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('1');
    const status = json<StatusView>(cli(repo, ['status', '--json'])).phases[0];
    expect(status).toMatchObject({ state: 'done', merge: byHand });
  });

  it('merges onto a base branch that moved while the agent worked, never over it', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run']).code).toBe(0);
    const userCommit = commitFile(repo, 'docs/notes.md', 'meanwhile\n', 'User commit while phase 1 runs');
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    const merge = git(repo, 'rev-parse', 'main');
    expect(git(repo, 'rev-parse', `${merge}^1`)).toBe(userCommit);
    expect(git(repo, 'log', '-1', '--format=%s', `${merge}^2`)).toBe('planning: phase 1 architecture-baseline (attempt 1)');
    expect(readFileSync(join(repo, 'docs/notes.md'), 'utf8')).toBe('meanwhile\n');
  });

  it('moves the base ref when no checkout has it, leaving the user\'s branch alone', () => {
    const repo = scriptedRepo();
    git(repo, 'switch', '--quiet', '-c', 'feature');
    const feature = git(repo, 'rev-parse', 'feature');
    const result = cli(repo, ['run', '--wait']);
    expect(result.code, result.stderr).toBe(0);
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('4');
    expect(git(repo, 'symbolic-ref', 'HEAD')).toBe('refs/heads/feature');
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(feature);
    expect(existsSync(join(repo, 'planning'))).toBe(false);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('blocks (exit 2), changing nothing, while the user has the phase branch checked out, and goes on once it is free', () => {
    const repo = scriptedRepo();
    const branch = 'phaserunner/planning/1-architecture-baseline';
    const elsewhere = join(tempDir(), 'elsewhere');
    git(repo, 'worktree', 'add', '--quiet', '-b', branch, elsewhere);
    const before = userState(repo);
    const blocked = cli(repo, ['run', '--wait']);
    expect(blocked.code, blocked.stderr).toBe(2);
    expect(blocked.stderr).toContain(
      `its branch ${branch} is checked out (or being rebased or bisected) in ${elsewhere}, and the agent's checkout needs it. Finish there, and leave the branch (\`git -C ${elsewhere} switch --detach\`), then run again.`,
    );
    expect(userState(repo)).toEqual(before);
    // Mid-rebase, git detaches HEAD but still holds the branch: blocked all the same, not a git failure.
    commitFile(elsewhere, 'notes.md', 'one\n');
    git(elsewhere, '-c', 'sequence.editor=sed -i s/^pick/edit/', 'rebase', '--quiet', '-i', 'HEAD~1');
    const rebasing = cli(repo, ['run', '--wait']);
    expect(rebasing.code, rebasing.stderr).toBe(2);
    expect(rebasing.stderr).toContain(`is checked out (or being rebased or bisected) in ${elsewhere}`);
    git(elsewhere, 'rebase', '--abort');
    // Blocked again for another reason: the status says the new one, not the stale one.
    git(elsewhere, 'switch', '--quiet', '--detach');
    git(repo, 'rm', '--quiet', 'INTENT.md');
    git(repo, 'commit', '--quiet', '-m', 'Remove intent');
    expect(cli(repo, ['run']).code).toBe(2);
    expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]?.reason).toContain('INTENT.md');
    git(repo, 'revert', '--no-edit', 'HEAD');
    git(elsewhere, 'switch', '--quiet', branch);
    // The command the message gives works as printed.
    git(elsewhere, 'switch', '--quiet', '--detach');
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
  });

  it('stops at a merge conflict, keeps the phase branch, and retry redoes the phase on the new base', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run']).code).toBe(0);
    commitFile(repo, 'planning/architecture.md', '# Our architecture\n\n## Components\n\n### Web\n', 'User writes the architecture');
    const conflicted = cli(repo, ['run', '--wait']);
    expect(conflicted.code).toBe(2);
    expect(conflicted.stdout).toContain('CONFLICT merging phaserunner/planning/1-architecture-baseline: planning/architecture.md');
    expect(conflicted.stderr).toMatch(/Next: .*phaserunner retry 1/);
    const status = json<StatusView>(cli(repo, ['status', '--json'])).phases[0];
    expect(status).toMatchObject({ state: 'conflict', merge: null });
    // The phase branch keeps the agent's commit, and so does a ref that survives the retry.
    expect(git(repo, 'rev-parse', 'phaserunner/planning/1-architecture-baseline')).toBe(status?.commit);
    const conflictedRun = runsOf(repo)[0]?.run_id ?? '';
    expect(git(repo, 'rev-parse', `refs/phaserunner/attempts/${conflictedRun}`)).toBe(status?.commit);

    const retried = cli(repo, ['retry', '1', '--wait', '--json']);
    expect(retried.code, retried.stderr).toBe(0);
    const merge = git(repo, 'log', '--merges', '--format=%H', '--grep=merge phase 1', 'main');
    // Attempt 2 started from the user's commit, so it merges cleanly over it.
    expect(git(repo, 'log', '-1', '--format=%s', `${merge}^2^`)).toBe('User writes the architecture');
    expect(git(repo, 'rev-parse', `refs/phaserunner/attempts/${conflictedRun}`)).toBe(status?.commit);
  });
});
