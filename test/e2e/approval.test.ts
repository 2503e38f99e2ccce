// Approval gates through the real CLI: a phase that needs a human waits in awaiting_approval
// between its commit and its merge; approve merges it with Approved-* trailers bound to the
// artifacts; reject sends it back with the reason; a branch changed after approval voids it.
import { existsSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CLI, cli, json } from '../helpers/cli.js';
import { commitFile, git, shellAgentRepo, tempDir, trailersOf, userState, writeFile } from '../helpers/git.js';
import { runsOf, scriptedRepo, until } from '../helpers/setup.js';
import { readStore, writeStore } from '../helpers/store.js';

const BRANCH = 'phaserunner/planning/1-architecture-baseline';

interface PhaseJson {
  phase: number;
  state: string;
  attempts: number;
  needs_approval: boolean;
  approval: { decision: string; by: string; digest: string } | null;
}

const phase1 = (repo: string): PhaseJson => {
  const p = json<{ phases: PhaseJson[] }>(cli(repo, ['status', '--json'])).phases[0];
  if (p === undefined) throw new Error('no phase 1');
  return p;
};

/** Phase 1 needs approval; one `run --wait` brings it to awaiting_approval. */
function awaitingRepo(extra: Record<string, unknown> = {}): string {
  const repo = scriptedRepo({}, { approvals: [1], ...extra });
  const run = cli(repo, ['run', '--wait']);
  expect(run.code, run.stderr).toBe(2);
  return repo;
}

describe('approval gates', () => {
  it('waits after the commit and before the merge, and says who must do what', () => {
    const repo = awaitingRepo();
    const p = phase1(repo);
    expect(p).toMatchObject({ state: 'awaiting_approval', needs_approval: true, approval: null });
    // Committed on the phase branch, not merged.
    expect(git(repo, 'rev-list', '--count', 'main..' + BRANCH)).toBe('1');
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('0');
    const status = cli(repo, ['status']);
    expect(status.stdout).toMatch(/1\s+architecture-baseline\s+architect\s+awaiting_approval\s+1\/3\s+[0-9a-f]{12}\s+-\s+required/);
    expect(status.stdout).toContain(`Next: Phase 1 (architecture-baseline) awaits approval. Review it with \`git diff main...${BRANCH}\`, then \`phaserunner approve 1 --by "Your Name"\` merges it;`);
    // Another pass changes nothing and still needs the human.
    const before = userState(repo);
    expect(cli(repo, ['run']).code).toBe(2);
    expect(userState(repo)).toEqual(before);
  });

  it('merges on approve, with Approved-* trailers equal to the merged Artifacts-Digest, and records it in the store', () => {
    const repo = awaitingRepo();
    const approve = cli(repo, ['approve', '1', '--by', 'Zoë Ångström', '--note', 'read the ADRs', '--json']);
    expect(approve.code, approve.stderr).toBe(0);
    const merge = git(repo, 'rev-list', '--merges', '-n1', 'main');
    const t = trailersOf(repo, merge);
    expect(t['Approved-By']).toBe('Zoë Ångström');
    expect(t['Approved-Digest']).toBe(t['Artifacts-Digest']);
    expect(phase1(repo)).toMatchObject({ state: 'done', approval: { decision: 'approved', by: 'Zoë Ångström', digest: t['Approved-Digest'] } });
    const rows = readStore<{ note: string; commit_sha: string }>(repo, 'SELECT note, commit_sha FROM approvals');
    expect(rows).toEqual([{ note: 'read the ADRs', commit_sha: git(repo, 'rev-parse', `${merge}^2`) }]);
    // The next phase is dispatched by the same pass, as after any merge.
    expect(runsOf(repo).map((r) => r.phase)).toEqual([1, 2]);
  });

  it('refuses to approve a phase that is not awaiting approval, recording nothing (exit 64)', () => {
    const repo = awaitingRepo();
    const before = userState(repo);
    const result = cli(repo, ['approve', '2', '--by', 'Ada']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('phase 2 is pending, not awaiting approval');
    expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^Next: See `phaserunner status`/);
    expect(readStore(repo, 'SELECT * FROM approvals')).toEqual([]);
    expect(userState(repo)).toEqual(before);
    expect(cli(repo, ['approve', '7', '--by', 'Ada']).code).toBe(64);
  });

  it("without --by, approves as the repository's git user.name, in the Approved-By trailer and the store", () => {
    const repo = awaitingRepo();
    // The repository's own name wins over the global one ("Test User"), as for git's commits.
    git(repo, 'config', 'user.name', 'Grace Hopper');
    const approve = cli(repo, ['approve', '1']);
    expect(approve.code, approve.stderr).toBe(0);
    const merge = git(repo, 'rev-list', '--merges', '-n1', 'main');
    expect(trailersOf(repo, merge)['Approved-By']).toBe('Grace Hopper');
    expect(readStore(repo, 'SELECT decision, by FROM approvals')).toEqual([{ decision: 'approved', by: 'Grace Hopper' }]);
  });

  it("without --by, rejects as git's user.name", () => {
    const repo = awaitingRepo();
    const result = cli(repo, ['reject', '1', '--reason', 'Name the storage engine.']);
    expect(result.code, result.stderr).toBe(0);
    expect(readStore(repo, 'SELECT decision, by FROM approvals')).toEqual([{ decision: 'rejected', by: 'Test User' }]);
  });

  it('refuses without --by when git has no user.name, or one that cannot be a trailer, naming --by and `git config user.name` (64), recording nothing', () => {
    const repo = awaitingRepo();
    const before = userState(repo);
    // A global config without [user]: git then knows no name at all.
    const noName = join(tempDir(), 'gitconfig');
    writeFileSync(noName, '[init]\n  defaultBranch = main\n');
    for (const args of [['approve', '1'], ['reject', '1', '--reason', 'Too vague.']]) {
      const result = cli(repo, args, { GIT_CONFIG_GLOBAL: noName });
      expect(result.code, result.stderr).toBe(64);
      expect(result.stderr).toContain(`phaserunner: ${args[0] ?? ''} records who decides, but no name was given: no --by, and \`git config user.name\` is not set in this repository. Nothing was recorded.`);
      expect(result.stderr.trim().split('\n').at(-1)).toBe('Next: Pass --by "Your Name", or set your name once with `git config --global user.name "Your Name"`.');
    }
    const asJson = json<{ ok: boolean; error: { reason: string; exit_code: number } }>(cli(repo, ['approve', '1', '--json'], { GIT_CONFIG_GLOBAL: noName }));
    expect(asJson).toMatchObject({ ok: false, error: { reason: 'name-needed', exit_code: 64 } });

    git(repo, 'config', 'user.name', 'x'.repeat(101));
    const tooLong = cli(repo, ['approve', '1']);
    expect(tooLong.code).toBe(64);
    expect(tooLong.stderr).toContain('cannot be used for --by: it is longer than 100 characters. Nothing was recorded.');
    git(repo, 'config', '--unset', 'user.name');

    expect(readStore(repo, 'SELECT * FROM approvals')).toEqual([]);
    expect(phase1(repo).state).toBe('awaiting_approval');
    expect(userState(repo)).toEqual(before);
  });

  it('refuses a name that cannot be one trailer line', () => {
    const repo = awaitingRepo();
    const result = cli(repo, ['approve', '1', '--by', 'Ada\nApproved-By: Mallory']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--by must be one line');
    expect(readStore(repo, 'SELECT * FROM approvals')).toEqual([]);
    expect(phase1(repo).state).toBe('awaiting_approval');
  });

  it('rejects with the reason in the next attempt\'s prompt, keeping the rejected commit', () => {
    const repo = awaitingRepo();
    const rejected = git(repo, 'rev-parse', BRANCH);
    const result = cli(repo, ['reject', '1', '--by', 'Ada', '--reason', 'Name the storage engine in an ADR.']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('rejected by Ada: Name the storage engine in an ADR.');
    const [first, second] = runsOf(repo);
    expect(first).toMatchObject({ step: 'rejected', failure: 'Ada rejected it: Name the storage engine in an ADR.' });
    expect(second?.attempt).toBe(2);
    expect(git(repo, 'rev-parse', `refs/phaserunner/attempts/${first?.run_id ?? ''}`)).toBe(rejected);
    const prompt = readFileSync(join(second?.run_dir ?? '', 'prompt.md'), 'utf8');
    expect(prompt).toContain('Attempt 1 passed the gate, but was not approved. Ada rejected it: Name the storage engine in an ADR.');
    expect(readStore(repo, 'SELECT decision, by, note FROM approvals')).toEqual([{ decision: 'rejected', by: 'Ada', note: 'Name the storage engine in an ADR.' }]);
    // The new attempt needs approval again.
    expect(cli(repo, ['run', '--wait']).code).toBe(2);
    expect(phase1(repo)).toMatchObject({ state: 'awaiting_approval', attempts: 2, approval: null });
  });

  it('fails the phase when a rejection leaves no attempts', () => {
    const repo = awaitingRepo({ max_attempts: 1 });
    const result = cli(repo, ['reject', '1', '--by', 'Ada', '--reason', 'Wrong architecture.']);
    expect(result.code).toBe(1);
    expect(phase1(repo)).toMatchObject({ state: 'failed', attempts: 1 });
    expect(runsOf(repo)).toHaveLength(1);
  });

  it('refuses to reject without a reason', () => {
    const repo = awaitingRepo();
    const result = cli(repo, ['reject', '1', '--by', 'Ada', '--reason', '  ']);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('--reason is empty');
    expect(phase1(repo).state).toBe('awaiting_approval');
  });

  it('refuses to approve when the phase branch is not the commit phaserunner made', () => {
    const repo = awaitingRepo();
    const committed = git(repo, 'rev-parse', BRANCH);
    git(repo, 'update-ref', `refs/heads/${BRANCH}`, 'main');
    const result = cli(repo, ['approve', '1', '--by', 'Ada']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain(`only that commit can be reviewed. Put it back with \`git update-ref refs/heads/${BRANCH} ${committed}\``);
    // The next step is a command that works as printed: with --by.
    expect(result.stderr.trim().split('\n').at(-1)).toBe('Next: Restore the branch as shown, then run `phaserunner approve 1 --by "Your Name"` again.');
    expect(readStore(repo, 'SELECT * FROM approvals')).toEqual([]);
  });

  it('voids an approval when the phase branch changes after it', () => {
    const repo = awaitingRepo();
    const committed = git(repo, 'rev-parse', BRANCH);
    // A file of the user's would be overwritten by the merge: approve records, the merge waits.
    writeFile(repo, 'planning/architecture.md', 'my own notes\n');
    const approve = cli(repo, ['approve', '1', '--by', 'Ada']);
    expect(approve.code).toBe(2);
    expect(json<{ phases: PhaseJson[] }>(cli(repo, ['status', '--json'])).phases[0]?.state).toBe('blocked');
    unlinkSync(join(repo, 'planning', 'architecture.md'));
    // Someone amends the approved artifacts on the phase branch, in the phase's checkout.
    commitFile(runsOf(repo)[0]?.worktree ?? '', 'planning/architecture.md', '# Architecture\n\nSomething nobody approved.\n', 'amend');
    const run = cli(repo, ['run']);
    expect(run.code).toBe(2);
    expect(run.stdout).toContain('changed after Ada approved phase 1');
    expect(run.stdout).toContain('the approval no longer counts');
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('0');
    expect(phase1(repo).state).toBe('awaiting_approval');
    // Putting the approved commit back makes the approval count again: it names that commit.
    git(repo, 'update-ref', `refs/heads/${BRANCH}`, committed);
    expect(cli(repo, ['run', '--until', '1']).code).toBe(0);
    expect(trailersOf(repo, 'main')['Approved-By']).toBe('Ada');
  });

  it('reads an `approval` check in a gate as approval of the phase before it', () => {
    const repo = scriptedRepo();
    commitFile(
      repo,
      '.phaserunner/phases/2-gap-analysis.json',
      readFileSync(join(import.meta.dirname, '..', '..', 'phases', '2-gap-analysis.json'), 'utf8').replace('"checks": [', '"checks": [{ "kind": "approval" },'),
    );
    const run = cli(repo, ['run', '--wait']);
    expect(run.code).toBe(2);
    expect(phase1(repo)).toMatchObject({ state: 'awaiting_approval', needs_approval: true });
  });

  it('names an approvals entry for a phase that does not exist (exit 65)', () => {
    const repo = scriptedRepo({}, { approvals: [9] });
    const result = cli(repo, ['run']);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('approvals[0]: there is no phase 9');
  });
});

describe('approvals an agent cannot give', () => {
  it('a row written into the store by anything but `approve` does not count; a human\'s approval then merges', () => {
    const repo = awaitingRepo();
    const run = runsOf(repo)[0];
    writeStore(
      repo,
      `INSERT INTO approvals (workstream, step_id, run_id, decision, by, commit_sha, digest, at) VALUES ('planning', '1', ?, 'approved', 'Mallory', ?, 'sha256:0', '2026-01-01T00:00:00Z')`,
      run?.run_id ?? '',
      git(repo, 'rev-parse', BRANCH),
    );
    const again = cli(repo, ['run', '--wait']);
    expect(again.code, again.stderr).toBe(2);
    expect(again.stderr + again.stdout).toMatch(/an approval of phase 1 "by Mallory" that `phaserunner approve` did not record/);
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('0');
    const approved = cli(repo, ['approve', '1', '--by', 'Ada']);
    expect(approved.code, approved.stderr).toBe(0);
    const merge = git(repo, 'rev-list', '--merges', '-n1', 'main');
    expect(trailersOf(repo, merge)['Approved-By']).toBe('Ada');
    expect(readStore<{ by: string; proof: string | null }>(repo, 'SELECT by, proof FROM approvals ORDER BY id').map((r) => [r.by, r.proof?.startsWith('v1:')])).toEqual([
      ['Mallory', undefined],
      ['Ada', true],
    ]);
  });

  it('`approve` started from inside an agent\'s attempt is refused (2), even with the run id scrubbed from its environment', async () => {
    const out = join(tempDir(), 'approve.out');
    // The agent does its work, then tries to approve itself, once plainly and once with its
    // environment emptied (so only its ancestry gives it away).
    const repo = shellAgentRepo(
      `#!/bin/sh
mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md
U=$(dirname "$(git rev-parse --path-format=absolute --git-common-dir)")
node ${CLI} approve 1 --by Mallory --cwd "$U" > ${out}.1 2>&1; echo "exit $?" >> ${out}.1
env -i PATH="$PATH" HOME="$HOME" node ${CLI} approve 1 --by Mallory --cwd "$U" > ${out}.2 2>&1; echo "exit $?" >> ${out}.2
`,
      { stdin: false },
      { approvals: [1] },
    );
    // Dispatched and left alone (no runner holds the lock while the agent works).
    const started = cli(repo, ['run', '--until', '1']);
    expect(started.code, started.stderr).toBe(0);
    await until(() => [1, 2].every((n) => existsSync(`${out}.${n}`) && readFileSync(`${out}.${n}`, 'utf8').includes('exit ')), 30_000, 'the agent\'s approvals');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(2);
    for (const n of [1, 2]) {
      const said = readFileSync(`${out}.${n}`, 'utf8');
      expect(said).toMatch(/cannot approve phase 1: this command was started from inside an agent's attempt/);
      expect(said).toMatch(/exit 2\n$/);
    }
    expect(readStore(repo, 'SELECT * FROM approvals')).toEqual([]);
  });
});
