// Plan format version 2 (issue 17): phase 4's advance (the planning-complete gate) refuses a
// plan that is not an executable version 2 plan, naming the file and the field; and a version 1
// plan that an older phaserunner merged, under the built-in phases it shipped then, still
// audits clean with this one.
import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { AuditReport } from '../../src/audit/audit.js';
import type { StatusView } from '../../src/runner/status.js';
import { cli, json, type CliResult } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, git, ROOT, scriptedConfig, tempDir, writeConfig } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';
import { task } from '../helpers/plan.js';


/** A repository whose phases 1-3 the scripted agent has merged, and whose phase 4 agent copies `plan` (a file outside it) to planning/tasks.json. */
function repoAtPhase4(plan: string): string {
  const repo = scriptedRepo({}, { max_attempts: 10 });
  const until3 = cli(repo, ['run', '--wait', '--until', '3']);
  expect(until3.code, until3.stderr).toBe(0);
  commitFile(repo, 'tools/agent.sh', '#!/bin/sh\nmkdir -p planning && cp "$PLAN_FILE" planning/tasks.json\n');
  chmodSync(join(repo, 'tools/agent.sh'), 0o755);
  git(repo, 'update-index', '--chmod=+x', 'tools/agent.sh');
  git(repo, 'commit', '--quiet', '-m', 'Make the agent executable');
  writeConfig(repo, { ...scriptedConfig({ max_attempts: 10 }), agent: 'shell', agents: { shell: { type: 'command', argv: ['./tools/agent.sh'], env: { PLAN_FILE: plan } } } });
  return repo;
}

/**
 * A copy of this phaserunner whose built-in phases are `phases` (its dist copied: node finds a
 * package's files from where its code really is), run as its own CLI.
 */
function phaserunnerWith(phases: string, filter: (src: string) => boolean = () => true): (cwd: string, args: readonly string[]) => CliResult {
  const root = tempDir('phaserunner-package-');
  cpSync(join(ROOT, 'dist'), join(root, 'dist'), { recursive: true });
  cpSync(join(ROOT, 'schema'), join(root, 'schema'), { recursive: true });
  cpSync(join(ROOT, 'package.json'), join(root, 'package.json'));
  cpSync(phases, join(root, 'phases'), { recursive: true, filter });
  symlinkSync(join(ROOT, 'node_modules'), join(root, 'node_modules'));
  return (cwd, args) => {
    const result = spawnSync(process.execPath, [join(root, 'dist', 'cli', 'main.js'), ...args], { cwd, env: testEnv(), encoding: 'utf8', timeout: 120_000 });
    return { code: result.status, stdout: result.stdout, stderr: result.stderr };
  };
}

describe('plan format version 2', () => {
  it("phase 4's advance refuses a plan that is not an executable version 2 plan, naming the file and the field, until one is", () => {
    const plan = join(tempDir(), 'plan.json');
    const repo = repoAtPhase4(plan);
    const refused: [what: string, plan: unknown, message: string][] = [
      ['a version 2 plan missing writes', { version: 2, tasks: [task('T-001', { writes: undefined })] }, 'planning/tasks.json: tasks[0].writes: required (expected array)'],
      [
        'a version 1 plan',
        { version: 1, tasks: [{ id: 'T-001', title: 'One', depends_on: [] }] },
        'planning/tasks.json: version: must be 2 (it is 1): an executable plan, every task with "writes" (the files it may change) and "checks" (commands)',
      ],
      ['a cyclic plan', { version: 2, tasks: [task('T-001', { depends_on: ['T-002'] }), task('T-002', { depends_on: ['T-001'] })] }, 'planning/tasks.json: tasks[0].depends_on: dependency cycle: T-001 -> T-002 -> T-001'],
      ['an id that cannot name a branch', { version: 2, tasks: [task('T-001.lock')] }, 'planning/tasks.json: tasks[0].id: task id "T-001.lock" must not end with ".lock"'],
      ['a write outside the repository', { version: 2, tasks: [task('T-001', { writes: ['../elsewhere.js'] })] }, 'planning/tasks.json: tasks[0].writes[0]: path "../elsewhere.js" must not contain "." or ".." segments'],
    ];
    for (const [i, [what, data, message]] of refused.entries()) {
      writeFileSync(plan, JSON.stringify(data));
      const result = cli(repo, i === 0 ? ['run', '--wait'] : ['retry', '4', '--wait']);
      expect([what, result.code], result.stderr).toEqual([what, 1]);
      expect(result.stderr).toContain(`the planning-complete gate is not met: ${message}`);
      const phase4 = json<StatusView>(cli(repo, ['status', '--json'])).phases[3];
      expect(phase4).toMatchObject({ phase: 4, state: 'failed', attempts: i + 1, merge: null });
      expect(phase4?.reason).toContain(message);
    }
    // Nothing of it reached the base; an executable plan does.
    expect(git(repo, 'rev-list', '--merges', '--count', 'main')).toBe('3');
    const good = { version: 2, tasks: [task('T-001'), task('T-002', { depends_on: ['T-001'] })] };
    writeFileSync(plan, JSON.stringify(good));
    const landed = cli(repo, ['retry', '4', '--wait']);
    expect(landed.code, landed.stderr).toBe(0);
    expect(JSON.parse(git(repo, 'show', 'main:planning/tasks.json'))).toEqual(good);
    expect(json<AuditReport>(cli(repo, ['audit', '--json']))).toMatchObject({ ok: true, findings: [] });
  }, 240_000);

  it('a version 1 plan merged by an older phaserunner audits clean: its merge is judged by the built-in phases it ran under', () => {
    // The phaserunner before plan format 2: its built-in phases are the retired set plan-v1.
    const older = phaserunnerWith(join(ROOT, 'phases', 'retired', 'plan-v1'));
    const repo = scriptedRepo({ '4': 'plan-v1' });
    const run = older(repo, ['run', '--wait']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(git(repo, 'show', 'main:planning/tasks.json'))).toMatchObject({ version: 1 });

    // This phaserunner: phase 4's merge records the Definitions-Digest of the older built-in
    // phases, and is judged by them (which accept version 1), not by today's gate.
    const audit = cli(repo, ['audit', '--json']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
    expect(json<AuditReport>(audit)).toMatchObject({ ok: true, findings: [] });

    // Without the retired set, the same history fails on phase 4 alone: the digest names
    // definitions this phaserunner's built-in phases are not, and its gate wants version 2.
    const withoutRetired = phaserunnerWith(join(ROOT, 'phases'), (src) => !src.includes(join('phases', 'retired')));
    const strict = withoutRetired(repo, ['audit', '--json']);
    expect(strict.code).toBe(3);
    const findings = json<AuditReport>(strict).findings.map((f) => [f.code, f.phase]);
    expect(findings.sort()).toEqual([
      ['definitions-mismatch', 4],
      ['output-missing', 4],
    ]);
  }, 240_000);
});
