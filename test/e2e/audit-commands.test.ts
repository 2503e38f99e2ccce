// `audit --commands` (issue 16: the audit re-runs every check kind). A gate's `command` check
// ran, when the phase advanced, in the agent's checkout; the audit runs it again on a clean
// checkout of each merge's tree, in a directory of its own, and reports `command-failed`
// when it fails there. Without the flag nothing is run, and the report says so.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, tempDir } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';

interface Report {
  ok: boolean;
  findings: { code: string; phase: number | null; commit: string | null; message: string }[];
  commands: { checks: number; rerun: boolean };
}

let repo: string;
let marker: string;
/** Where each run of the command was, one line each. */
const ranIn = (): string[] => (existsSync(marker) ? readFileSync(marker, 'utf8').trim().split('\n') : []);

beforeAll(() => {
  marker = join(tempDir(), 'command-ran');
  repo = scriptedRepo();
  // Phase 2's gate (the one phase 1 advances through) runs a command over phase 1's output.
  // AUDIT_FAIL makes it fail the way a check fails on a tree that lacks what the agent's
  // checkout had.
  const script = `echo "$PWD" >> '${marker}'; test -z "$AUDIT_FAIL" && grep -q '^## Components' planning/architecture.md`;
  const builtin = JSON.parse(readFileSync(join(import.meta.dirname, '../../phases/2-gap-analysis.json'), 'utf8')) as { gate: { checks: unknown[] } };
  builtin.gate.checks.push({ kind: 'command', argv: ['sh', '-c', script], timeout_seconds: 30 });
  commitFile(repo, '.phaserunner/phases/2-gap-analysis.json', JSON.stringify(builtin, null, 2) + '\n', 'Phase 2 gate runs a command');
  const run = cli(repo, ['run', '--wait']);
  expect(run.code, run.stderr).toBe(0);
}, 180_000);

describe('audit and command checks', () => {
  it('runs none without --commands, and says how many it left', () => {
    const before = ranIn().length;
    const result = cli(repo, ['audit']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain("The gates' 1 command check at these merges was not run again: `phaserunner audit --commands`");
    expect(json<Report>(cli(repo, ['audit', '--json'])).commands).toEqual({ checks: 1, rerun: false });
    expect(ranIn()).toHaveLength(before);
  });

  it('runs each on a clean checkout of the merge tree, outside the repository, and leaves the repository as it was', () => {
    const before = ranIn().length;
    const worktrees = git(repo, 'worktree', 'list', '--porcelain');
    const result = cli(repo, ['audit', '--commands', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(json<Report>(result)).toMatchObject({ ok: true, findings: [], commands: { checks: 1, rerun: true } });
    expect(result.stderr).toMatch(/audit: \[1\/1\] phase 1, merge [0-9a-f]{12}: running `sh -c/);
    const dirs = ranIn().slice(before);
    expect(dirs).toHaveLength(1);
    const dir = dirs[0] ?? '';
    expect(dir.startsWith(repo)).toBe(false);
    // Its scratch checkout is gone, and the repository's index, worktrees and checkout untouched.
    expect(existsSync(dir)).toBe(false);
    expect(git(repo, 'worktree', 'list', '--porcelain')).toBe(worktrees);
    expect(git(repo, 'status', '--porcelain')).toBe('');
  });

  it('reports command-failed, exit 3, when the check fails on the merged tree', () => {
    const result = cli(repo, ['audit', '--commands', '--json'], { AUDIT_FAIL: '1' });
    expect(result.code).toBe(3);
    const report = json<Report>(result);
    const merge1 = git(repo, 'log', '--first-parent', '--format=%H', '--grep=^Phase: 1', 'main').split('\n')[0];
    expect(report.findings).toEqual([
      expect.objectContaining({ code: 'command-failed', phase: 1, commit: merge1, message: expect.stringMatching(/run on a clean checkout of its tree, `sh -c .*` exited 1/) as unknown }),
    ]);
  });

  it('works in a bare clone, which has no checkout at all', () => {
    const bare = join(tempDir(), 'bare.git');
    git(repo, 'clone', '--quiet', '--bare', repo, bare);
    const before = ranIn().length;
    const result = cli(bare, ['audit', '--commands', '--json']);
    expect(result.code, result.stderr).toBe(0);
    expect(json<Report>(result).commands).toEqual({ checks: 1, rerun: true });
    // It really ran there: once, in a scratch checkout of the merge's tree.
    expect(ranIn().slice(before)).toHaveLength(1);
  });
});
