// The real agent CLIs in the execution workstream (issue 17): planning completed by the built-in
// scripted agent, its plan replaced by three tasks (T-002 depends on T-001; T-003 is
// independent) and that edit acknowledged, then `run --workstream execution --wait` with the
// real binary as the agent. Its scripted model implements each task from phaserunner's task
// prompt with the CLI's own file tools (models/task.ts), runs the task's check itself where
// the CLI offers a shell (Codex, in its sandbox), and in T-003 also tries to write outside the
// checkout and to commit with git, as the phases' `stray` does: the task must still land, with
// the same sandbox rules holding.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, git, repoWithIntent, tempDir, writeConfig } from '../helpers/git.js';
import { readStore } from '../helpers/store.js';
import type { ModelServer } from './models/http.js';
import { SHELL_TOOLS } from './models/script.js';
import { agentEntry, runAsync, type AgentSpec } from './spec.js';

const check = (test: string) => [{ argv: ['node', '--test', test], timeout_seconds: 60 }];

/** Three tasks, one dependency, one check each: a module and its test per task (what models/task.ts writes). */
const PLAN = {
  version: 2,
  tasks: [
    { id: 'T-001', title: 'Add the counter', depends_on: [], writes: ['src/counter.mjs', 'test/counter.test.mjs'], checks: check('test/counter.test.mjs') },
    { id: 'T-002', title: 'Build the report on the counter', depends_on: ['T-001'], writes: ['src/report.mjs', 'test/report.test.mjs'], checks: check('test/report.test.mjs') },
    { id: 'T-003', title: 'Add the greeting', depends_on: [], writes: ['src/greeting.mjs', 'test/greeting.test.mjs'], checks: check('test/greeting.test.mjs') },
  ],
};

interface TaskStatus {
  id: string;
  state: string;
  attempts: number;
  commit: string | null;
  merge: string | null;
}

interface Event {
  type: string;
  task?: string;
  exit_code?: number;
  status?: { workstream: string; complete: boolean; tasks: TaskStatus[] };
}

interface TaskRun {
  step_id: string;
  agent: string;
  base_sha: string;
  commit_sha: string | null;
  run_dir: string;
}

export function executionSuite(spec: AgentSpec): void {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  describe(`the real ${spec.type} binary in the execution workstream`, () => {
    it('implements a plan of three tasks, the dependent one on its merged dependency, under the sandbox rules of phases; audit clean', async () => {
      const model = await spec.start({ 'T-003': 'stray' }, join(tempDir(), 'outside.txt'));
      server = model;
      const repo = repoWithIntent();
      const agents = { scripted: { type: 'scripted' }, [spec.type]: agentEntry(spec, model) };
      const config = (agent: string) => ({ version: 1, base: 'main', agent, approvals: [], agents });
      // Planning by the built-in scripted agent (the real binary's planning is proven in suite.ts).
      writeConfig(repo, config('scripted'));
      const planned = cli(repo, ['run', '--wait']);
      expect(planned.code, planned.stderr).toBe(0);
      writeConfig(repo, config(spec.type));
      commitFile(repo, 'planning/tasks.json', JSON.stringify(PLAN, null, 2) + '\n', 'Plan three tasks');
      const ack = cli(repo, ['acknowledge', '4', '--by', 'Ada', '--reason', 'Three tasks for the real agent.']);
      expect(ack.code, ack.stderr).toBe(0);
      const started = git(repo, 'rev-parse', 'main');
      const branches = (): string => git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads');
      const planningBranches = branches();

      const ran = await runAsync(repo, ['run', '--workstream', 'execution', '--wait', '--json']);
      const events = ran.stdout.split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Event);
      expect(ran.code, `${ran.stderr}\n${ran.stdout.slice(-4000)}`).toBe(0);

      // Every task merged, at its first attempt, by the real binary.
      const result = events.at(-1);
      expect(result?.type).toBe('result');
      expect(result?.status?.complete).toBe(true);
      const tasks = result?.status?.tasks ?? [];
      expect(tasks.map((t) => [t.id, t.state, t.attempts])).toEqual([['T-001', 'merged', 1], ['T-002', 'merged', 1], ['T-003', 'merged', 1]]);
      const merge = (id: string): string => tasks.find((t) => t.id === id)?.merge ?? '';
      const runs = readStore<TaskRun>(repo, "SELECT step_id, agent, base_sha, commit_sha, run_dir FROM runs WHERE workstream = 'execution' ORDER BY step_id");
      expect(runs.map((r) => [r.step_id, r.agent])).toEqual(PLAN.tasks.map((t) => [t.id, spec.type]));
      // The model was given each task's prompt, and implemented it with the CLI's own tools.
      for (const task of PLAN.tasks) {
        expect(model.served.filter((s) => s.key === task.id).map((s) => s.step), task.id).toEqual(expect.arrayContaining(task.writes.map((w) => `write ${w}`)));
      }

      // T-002 started after T-001 was merged: its checkout's base has T-001's merge; the runner dispatched it after that merge.
      const t2 = runs.find((r) => r.step_id === 'T-002');
      expect(() => git(repo, 'merge-base', '--is-ancestor', merge('T-001'), t2?.base_sha ?? '')).not.toThrow();
      // Built on it, too: T-002's module imports the module T-001's merge added (its test would fail without it).
      expect(git(repo, 'show', `${merge('T-002')}:src/report.mjs`)).toContain("import { value as dep0 } from './counter.mjs';");
      const at = (type: string, task: string): number => events.findIndex((e) => e.type === type && e.task === task);
      expect(at('task-merged', 'T-001')).toBeGreaterThanOrEqual(0);
      expect(at('task-dispatched', 'T-002')).toBeGreaterThan(at('task-merged', 'T-001'));

      // The sandbox rules of phases: each task commit is phaserunner's one commit on the base the
      // task started from (the agent committed nothing), changes exactly the task's writes, and names the agent.
      for (const r of runs) {
        const commit = r.commit_sha ?? '';
        expect(tasks.find((t) => t.id === r.step_id)?.commit, r.step_id).toBe(commit);
        expect(git(repo, 'log', '-1', '--format=%P', commit), r.step_id).toBe(r.base_sha);
        const trailers = git(repo, 'log', '-1', '--format=%(trailers:key=Workstream,key=Task,key=Agent)', commit).split('\n');
        expect(trailers).toEqual(['Workstream: execution', `Task: ${r.step_id}`, `Agent: ${spec.type}`]);
        const changed = git(repo, 'diff', '--name-only', r.base_sha, commit).split('\n');
        expect(changed, r.step_id).toEqual([...(PLAN.tasks.find((t) => t.id === r.step_id)?.writes ?? [])].sort());
      }
      // T-003's model asked for a write outside the checkout and for a commit: both came to nothing.
      const stray = model.served.filter((s) => s.key === 'T-003').map((s) => s.step);
      expect(stray).toEqual(expect.arrayContaining([`write ${model.outsidePath}`, 'shell git add -A && git commit -m "agent commit"', 'text']));
      expect(existsSync(model.outsidePath)).toBe(false);
      const t3 = runs.find((r) => r.step_id === 'T-003');
      const exit = JSON.parse(readFileSync(join(t3?.run_dir ?? '', 'exit.json'), 'utf8')) as { denied?: string[] };
      expect(exit.denied).toEqual(spec.strayDenied(model.outsidePath));
      // No shell but the one the CLI is expected to offer, in task attempts as in phases.
      for (const q of model.requests.filter((r) => typeof r.key === 'string' && r.tools.length > 0)) {
        for (const shell of SHELL_TOOLS) if (shell !== spec.shellTool) expect(q.tools).not.toContain(shell);
      }
      if (spec.shellTool !== null) {
        // With a shell (Codex), the model ran each task's check itself, inside the CLI's sandbox,
        // and it passed there; T-003's `git commit` was refused by that sandbox (Codex's reports).
        for (const task of PLAN.tasks) {
          const ran = model.results.filter((r) => r.key === task.id).map((r) => r.output);
          expect(ran, task.id).toContainEqual(expect.stringMatching(/Process exited with code 0\n[\s\S]*^# pass 1$/m));
        }
        const refused = model.results.filter((r) => r.key === 'T-003' && /git/.test(r.output)).map((r) => r.output);
        expect(refused).toEqual([expect.stringMatching(/exited with code 128\n[\s\S]*index\.lock': Read-only file system/)]);
      }
      // No branch is added (no task branch is left, none the agent made), and the checkout is clean.
      expect(branches()).toBe(planningBranches);
      expect(git(repo, 'status', '--porcelain')).toBe('');

      // The base got one merge per task, and its tests, all three, pass there.
      const landed = git(repo, 'log', '--first-parent', '--format=%(trailers:key=Task,valueonly)', `${started}..main`).split('\n').filter((l) => l !== '');
      expect(landed.sort()).toEqual(['T-001', 'T-002', 'T-003']);
      const dir = join(tempDir(), 'main');
      git(repo, 'worktree', 'add', '--quiet', '--detach', dir, 'main');
      const tests = spawnSync(process.execPath, ['--test'], { cwd: dir, env: testEnv(), encoding: 'utf8' });
      git(repo, 'worktree', 'remove', '--force', dir);
      expect(tests.status, tests.stdout).toBe(0);
      expect(tests.stdout).toMatch(/^# pass 3$/m);

      const audit = cli(repo, ['audit', '--json']);
      expect(audit.code, audit.stdout).toBe(0);
      const report = json<{ tasks: { id: string; merged: boolean; agent: string | null }[] }>(audit);
      expect(report.tasks.map((t) => [t.id, t.merged, t.agent])).toEqual(PLAN.tasks.map((t) => [t.id, true, spec.type]));
    });
  });
}
