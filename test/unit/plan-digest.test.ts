// Plan-Digest (docs/git-contract.md, "Execution"): the plan a task came from, named by the git
// blob id of its planning/tasks.json, `blob:<oid>`, in SHA-1 and SHA-256 repositories alike.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { claimsTask, planBlobOf, planDigestOf } from '../../src/git/task-trailers.js';
import { testEnv } from '../helpers/env.js';
import { emptyRepo } from '../helpers/git.js';

describe('Plan-Digest', () => {
  it('is blob:<oid> of what git hashes, and reads back to that oid', () => {
    const oid = execFileSync('git', ['hash-object', '--stdin'], { cwd: emptyRepo(), env: testEnv(), input: '{"version":2,"tasks":[]}\n', encoding: 'utf8' }).trim();
    expect(planDigestOf(oid)).toBe(`blob:${oid}`);
    expect(planBlobOf(planDigestOf(oid))).toBe(oid);
    const sha256 = 'a'.repeat(64);
    expect(planBlobOf(planDigestOf(sha256))).toBe(sha256);
  });

  it('refuses what is not a blob id, and reads nothing from another form', () => {
    expect(() => planDigestOf('main:planning/tasks.json')).toThrow(/not a git blob id/);
    expect(() => planDigestOf('A'.repeat(40))).toThrow(/not a git blob id/);
    for (const value of [`sha1:${'a'.repeat(40)}`, `sha256:${'a'.repeat(64)}`, `blob:${'a'.repeat(39)}`, 'a'.repeat(40), `blob:${'a'.repeat(40)} `]) {
      expect(planBlobOf(value), value).toBeUndefined();
    }
  });

  it("tells a task's trailers from a phase's", () => {
    expect(claimsTask(new Map([['Workstream', 'execution']]))).toBe(true);
    expect(claimsTask(new Map([['Task', 'T-001']]))).toBe(true);
    expect(claimsTask(new Map([['Workstream', 'planning'], ['Task', 'T-001']]))).toBe(false);
    expect(claimsTask(new Map([['Workstream', 'planning']]))).toBe(false);
  });
});
