// Outputs under a clean filter (issue 15, issue 16 item 3): git stores clean(bytes), not the
// bytes the agent wrote, so the beforeAdvance gate judges the tree the runner staged (what
// git stores) and the runner commits that same tree; the audit re-runs the gate's file, json
// and tasks checks on the merge's tree. The filters are real drivers, shell commands in the
// test repository's config, run by git itself.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, tempDir } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';

interface AuditReport {
  ok: boolean;
  findings: { code: string; phase: number | null; message: string }[];
}

/** A formatter: trailing whitespace (CR included) dropped, list items written with `*`. Idempotent, and the gates pass its output. */
const FORMAT = "sed -e 's/[[:space:]]*$//' -e 's/^- /* /'";

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

function cloneOf(repo: string): string {
  const dir = join(tempDir(), 'clone');
  git(repo, 'clone', '--quiet', repo, dir);
  return dir;
}

describe('outputs stored through a clean filter', () => {
  it('a normalising filter keeps working: phases 1-4 merge what git stores, and the audit is clean here and in clones with and without the filter', () => {
    const repo = scriptedRepo();
    git(repo, 'config', 'filter.fmt.clean', FORMAT);
    commitFile(repo, '.gitattributes', '*.md filter=fmt\n', 'Store Markdown formatted');
    // What is already committed, as git now stores it.
    git(repo, 'add', '--renormalize', '.');
    git(repo, 'commit', '--quiet', '-m', 'Format the Markdown already committed');

    const run = cli(repo, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(mergedPhases(repo)).toEqual(['1', '2', '3', '4']);
    // The filter ran: the scripted agent writes "- " list items, git stored "* ".
    for (const path of ['planning/architecture.md', 'planning/gap-analysis.md']) {
      const stored = git(repo, 'show', `main:${path}`);
      expect(stored, path).toMatch(/^\* /m);
      expect(stored, path).not.toMatch(/^- /m);
    }

    expect(audit(repo)).toEqual({ code: 0, report: expect.objectContaining({ ok: true, findings: [] }) as unknown });
    const withFilter = cloneOf(repo);
    git(withFilter, 'config', 'filter.fmt.clean', FORMAT);
    expect(audit(withFilter)).toEqual({ code: 0, report: expect.objectContaining({ ok: true, findings: [] }) as unknown });
    // Without the driver git checks out and stores the bytes as they are; the audit reads what git has either way.
    expect(audit(cloneOf(repo))).toEqual({ code: 0, report: expect.objectContaining({ ok: true, findings: [] }) as unknown });
  }, 120_000);

  it('the gate judges what git stores, not the bytes written: a TODO the filter drops does not fail the attempt', () => {
    // The agent leaves a TODO line in planning/architecture.md, which the phase 2 gate forbids.
    const repo = scriptedRepo({ '1': 'todo' });
    git(repo, 'config', 'filter.notodo.clean', "sed -e '/^TODO:/d'");
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/architecture.md filter=notodo\n');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    const attempt = runsOf(repo)[0];
    expect(attempt?.step).toBe('merged');
    expect(git(repo, 'show', 'main:planning/architecture.md')).not.toContain('TODO');
    expect(audit(repo).code).toBe(0);
  }, 120_000);

  it('a required filter that fails fails the attempt with git\'s reason instead of wedging the phase, and a retry works once it is fixed', () => {
    const repo = scriptedRepo();
    git(repo, 'config', 'filter.broken.clean', 'cat >/dev/null; exit 3');
    git(repo, 'config', 'filter.broken.required', 'true');
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/architecture.md filter=broken\n');
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toMatch(/attempt 1 failed: phaserunner could not check this attempt: `git add [^`]*` exited 128: .*clean filter 'broken' failed/);
    expect(mergedPhases(repo)).toEqual([]);
    // Fixed: a required filter needs both directions (the merge checks the files out).
    git(repo, 'config', 'filter.broken.clean', 'cat');
    git(repo, 'config', 'filter.broken.smudge', 'cat');
    const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(mergedPhases(repo)).toEqual(['1']);
  }, 120_000);

  it('a filter that swaps a valid task graph for a cycle fails the attempt at the gate, naming the filter, and nothing invalid is merged', () => {
    const repo = scriptedRepo();
    const cycle = JSON.stringify({
      version: 1,
      tasks: [
        { id: 'T-001', title: 'First', depends_on: ['T-002'] },
        { id: 'T-002', title: 'Second', depends_on: ['T-001'] },
      ],
    });
    // It reads what git gives it (a filter that does not could make git fail writing to it) and stores the cycle instead.
    git(repo, 'config', 'filter.swap.clean', `cat >/dev/null; printf '%s\\n' '${cycle}'`);
    // In $GIT_DIR/info/attributes: nothing in the repository's files shows it.
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/tasks.json filter=swap\n');

    const run = cli(repo, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toMatch(/the planning-complete gate is not met: .*planning\/tasks\.json: dependency cycle: /);
    expect(run.stderr).toContain("planning/tasks.json is stored through the filter 'swap': the gate reads what git stores.");
    const status = json<{ phases: { phase: number; state: string; reason: string | null }[] }>(cli(repo, ['status', '--json']));
    expect(status.phases[3]).toMatchObject({ state: 'failed', reason: expect.stringContaining("stored through the filter 'swap'") as unknown });

    // What the agent wrote was valid; the gate judged what git would have stored.
    const attempt = runsOf(repo).find((r) => r.phase === 4);
    const written = join(attempt?.worktree ?? '', 'planning', 'tasks.json');
    expect(existsSync(written)).toBe(true);
    const tasks = (JSON.parse(readFileSync(written, 'utf8')) as { tasks: { id: string; depends_on: string[] }[] }).tasks;
    expect(tasks.length).toBeGreaterThan(2);
    expect(tasks[0]?.depends_on).toEqual([]);

    // Phases 1-3 merged; phase 4 neither committed nor merged.
    expect(mergedPhases(repo)).toEqual(['1', '2', '3']);
    expect(attempt?.step).toBe('failed');
    expect(git(repo, 'rev-parse', 'refs/heads/phaserunner/planning/4-task-planning')).toBe(attempt?.base_sha);
    expect(git(repo, 'ls-tree', '--name-only', 'main', '--', 'planning/tasks.json')).toBe('');
    expect(audit(repo)).toEqual({ code: 0, report: expect.objectContaining({ ok: true, findings: [] }) as unknown });
  }, 120_000);
});
