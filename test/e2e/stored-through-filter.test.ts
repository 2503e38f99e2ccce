// Outputs under a clean filter (issue 16 items 1 and 3). The runner's own git runs no filter:
// it stages the agent's files byte for byte (`hash-object --no-filters`), and the drivers a
// repository defines are turned off for every git it starts (worktree add, status, the
// fast-forward of the user's checkout). So what lands is what the agent wrote and the gate
// judged, and a filter (in .gitattributes or a hidden $GIT_DIR/info/attributes) can neither
// change it nor run anything. The filters are real drivers, shell commands in the test
// repository's config, each noting in a marker file when git runs it.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cloneOf } from '../helpers/audit.js';
import { cli, json } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, git, tempDir } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';

interface AuditReport {
  ok: boolean;
  findings: { code: string; phase: number | null; message: string }[];
}

const CLEAN = { code: 0, report: expect.objectContaining({ ok: true, findings: [] }) as unknown };

/** A file git's drivers write to when they run; empty (or absent) means none ran. */
function markerFile(): { path: string; ran: () => string } {
  const path = join(tempDir(), 'filter-ran');
  return { path, ran: () => (existsSync(path) ? readFileSync(path, 'utf8') : '') };
}

/** A driver command that notes it ran, then does `then`. */
function noting(marker: string, name: string, then: string): string {
  return `echo ${name} >> '${marker}'; ${then}`;
}

/** A formatter: trailing whitespace dropped, list items written with `*`. */
const FORMAT = "sed -e 's/[[:space:]]*$//' -e 's/^- /* /'";

/** A blob's exact bytes. */
function blob(repo: string, spec: string): Buffer {
  return execFileSync('git', ['cat-file', 'blob', spec], { cwd: repo, env: testEnv() });
}

function audit(repo: string): { code: number | null; report: AuditReport } {
  const result = cli(repo, ['audit', '--json']);
  return { code: result.code, report: json<AuditReport>(result) };
}

/** The Phase trailer of each merge on main, oldest first. */
function mergedPhases(repo: string): string[] {
  return git(repo, 'log', '--first-parent', '--merges', '--reverse', '--format=%(trailers:key=Phase,valueonly)', 'main')
    .split('\n')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

describe('outputs under a clean filter', () => {
  it('are stored as the agent wrote them: the filter never runs, in phases 1-4 or in the merges into the checkout, and the audit is clean here and in a clone', () => {
    const repo = scriptedRepo();
    const marker = markerFile();
    git(repo, 'config', 'filter.fmt.clean', noting(marker.path, 'clean', FORMAT));
    git(repo, 'config', 'filter.fmt.smudge', noting(marker.path, 'smudge', 'cat'));
    commitFile(repo, '.gitattributes', '*.md filter=fmt\n', 'Store Markdown formatted');
    // The user's own git ran it, committing: from here on only the runner's git works.
    writeFileSync(marker.path, '');

    const run = cli(repo, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(marker.ran()).toBe('');
    expect(mergedPhases(repo)).toEqual(['1', '2', '3', '4']);
    // The scripted agent writes "- " list items; the filter would have stored "* ".
    for (const path of ['planning/architecture.md', 'planning/gap-analysis.md']) {
      const stored = git(repo, 'show', `main:${path}`);
      expect(stored, path).toMatch(/^- /m);
      expect(stored, path).not.toMatch(/^\* /m);
    }
    // The user's checkout was fast-forwarded to the same bytes, not smudged.
    expect(readFileSync(join(repo, 'planning/architecture.md')).equals(blob(repo, 'main:planning/architecture.md'))).toBe(true);

    expect(audit(repo)).toEqual(CLEAN);
    expect(audit(cloneOf(repo))).toEqual(CLEAN);
  }, 120_000);

  it('cannot hide what the gate forbids: a TODO the filter would drop fails the attempt, and the filter never runs', () => {
    // Attempt 1 leaves a TODO line in planning/architecture.md, which the phase 1 gate forbids.
    const repo = scriptedRepo({ '1': ['todo', 'ok'] });
    const marker = markerFile();
    git(repo, 'config', 'filter.notodo.clean', noting(marker.path, 'clean', "sed -e '/^TODO:/d'"));
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/architecture.md filter=notodo\n');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/attempt 1 failed: the phase 2 gate is not met: planning\/architecture\.md:\d+ contains "TODO", which must not appear\./);
    expect(mergedPhases(repo)).toEqual([]);
    const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(runsOf(repo).map((r) => r.step)).toEqual(['failed', 'merged']);
    expect(git(repo, 'show', 'main:planning/architecture.md')).not.toContain('TODO');
    expect(marker.ran()).toBe('');
    expect(audit(repo)).toEqual(CLEAN);
  }, 120_000);

  it('marked required and failing on every file, never runs: the attempt merges what the agent wrote', () => {
    const repo = scriptedRepo();
    const marker = markerFile();
    git(repo, 'config', 'filter.broken.clean', noting(marker.path, 'clean', 'cat >/dev/null; exit 3'));
    git(repo, 'config', 'filter.broken.smudge', noting(marker.path, 'smudge', 'cat >/dev/null; exit 3'));
    git(repo, 'config', 'filter.broken.required', 'true');
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/** filter=broken\n');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(mergedPhases(repo)).toEqual(['1']);
    // As the agent wrote it, in its checkout (kept until the merge) and now in the user's.
    expect(runsOf(repo)[0]?.step).toBe('merged');
    expect(blob(repo, 'main:planning/architecture.md').equals(readFileSync(join(repo, 'planning/architecture.md')))).toBe(true);
    expect(blob(repo, 'main:planning/architecture.md').toString()).toContain('## Components');
    expect(marker.ran()).toBe('');
  }, 120_000);

  it('that would swap the task graph for a cycle, in a hidden info/attributes, never runs: the valid graph the gate judged is what lands', () => {
    const repo = scriptedRepo();
    const marker = markerFile();
    const cycle = JSON.stringify({
      version: 1,
      tasks: [
        { id: 'T-001', title: 'First', depends_on: ['T-002'] },
        { id: 'T-002', title: 'Second', depends_on: ['T-001'] },
      ],
    });
    git(repo, 'config', 'filter.swap.clean', noting(marker.path, 'clean', `cat >/dev/null; printf '%s\\n' '${cycle}'`));
    git(repo, 'config', 'filter.swap.process', noting(marker.path, 'process', 'exit 1'));
    // In $GIT_DIR/info/attributes: nothing in the repository's files shows it.
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/tasks.json filter=swap\n');

    const run = cli(repo, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(mergedPhases(repo)).toEqual(['1', '2', '3', '4']);
    const attempt = runsOf(repo).find((r) => r.phase === 4);
    expect(attempt?.step).toBe('merged');
    const stored = JSON.parse(git(repo, 'show', 'main:planning/tasks.json')) as { tasks: { id: string; depends_on: string[] }[] };
    expect(stored.tasks.length).toBeGreaterThan(2);
    expect(stored.tasks[0]?.depends_on).toEqual([]);
    expect(marker.ran()).toBe('');
    expect(audit(repo)).toEqual(CLEAN);
  }, 120_000);
});
