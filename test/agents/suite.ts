// The same proof for every real agent CLI (installed by `npm run test:agents`, pinned in
// scripts/install-agents.mjs): the binary drives planning phases 1-4 through phaserunner, its
// model played by a scripted server on 127.0.0.1 that speaks the vendor's API (models/); and
// the same binary with a model that misbehaves: writes outside its checkout, tries git, writes
// outside its outputs, fails, never finishes. Then the same binary implementing a plan's tasks
// in the execution workstream (execution.ts).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, repoWithIntent, tempDir, writeConfig } from '../helpers/git.js';
import { runsOf } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import type { StatusView } from '../../src/runner/status.js';
import { executionSuite } from './execution.js';
import type { ModelServer } from './models/http.js';
import { SHELL_TOOLS, type ModelBehaviors } from './models/script.js';
import { agentBin, agentEntry, runAsync, type AgentSpec } from './spec.js';

export function agentSuite(spec: AgentSpec): void {
  let server: ModelServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });

  async function agentRepo(behaviors: ModelBehaviors = {}, extra: Record<string, unknown> = {}): Promise<{ repo: string; server: ModelServer }> {
    server = await spec.start(behaviors, join(tempDir(), 'outside.txt'));
    const repo = repoWithIntent();
    writeConfig(repo, {
      version: 1,
      base: 'main',
      agent: spec.type,
      approvals: [],
      agents: { [spec.type]: agentEntry(spec, server) },
      ...extra,
    });
    return { repo, server };
  }

  const requestsOf = (s: ModelServer, phase: number): number => s.requests.filter((q) => q.key === phase && q.tools.length > 0).length;
  const exitOf = (runDir: string) => JSON.parse(readFileSync(join(runDir, 'exit.json'), 'utf8')) as { exit_code: number | null; agent_error?: string; denied?: string[] };

  describe(`the real ${spec.type} binary`, () => {
    it('is installed by npm run test:agents', () => {
      expect(existsSync(agentBin(spec.type))).toBe(true);
    });

    it('runs planning phases 1-4 end to end: four phase commits, four merges, audit clean, usage recorded', async () => {
      const { repo, server: model } = await agentRepo();
      const run = await runAsync(repo, ['run', '--wait']);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      const status = json<StatusView>(cli(repo, ['status', '--json']));
      expect(status.phases.map((p) => [p.phase, p.state, p.attempts])).toEqual([[1, 'done', 1], [2, 'done', 1], [3, 'done', 1], [4, 'done', 1]]);
      const merges = git(repo, 'log', '--first-parent', '--merges', '--format=%s', 'main').split('\n');
      expect(merges.map((m) => /^planning: merge phase (\d) /.exec(m)?.[1])).toEqual(['4', '3', '2', '1']);
      // Each phase commit is phaserunner's, with the agent named in its trailers, on the base it started from.
      const runs = readStore<{ commit_sha: string; base_sha: string }>(repo, 'SELECT commit_sha, base_sha FROM runs ORDER BY CAST(step_id AS INTEGER)');
      expect(runs).toHaveLength(4);
      for (const r of runs) {
        const [parents, agent] = git(repo, 'log', '-1', '--format=%P%n%(trailers:key=Agent,valueonly)', r.commit_sha).split('\n');
        expect(parents).toBe(r.base_sha);
        expect(agent).toBe(spec.type);
      }
      expect(cli(repo, ['audit']).code).toBe(0);
      // The model saw each phase's prompt; the shell it was offered, if any, is the one expected.
      const phases = new Set(model.requests.map((q) => q.key));
      expect([...phases].filter((p) => p !== undefined).sort()).toEqual([1, 2, 3, 4]);
      for (const q of model.requests.filter((r) => r.tools.length > 0)) {
        for (const shell of SHELL_TOOLS) if (shell !== spec.shellTool) expect(q.tools).not.toContain(shell);
      }

      // Usage from the CLI's own report, through exit.json and the store, into status and show.
      for (const p of status.phases) {
        const requests = requestsOf(model, p.phase);
        expect(requests).toBeGreaterThan(1);
        expect(p.usage).toMatchObject({ tokens_in: spec.perRequest.tokensIn * requests, tokens_out: spec.perRequest.tokensOut * requests });
        if (spec.perRequest.cost) expect(p.usage?.cost_usd).toBeGreaterThan(0);
        else expect(p.usage?.cost_usd).toBeNull();
      }
      const table = cli(repo, ['status']).stdout;
      expect(table).toMatch(/ usage\n/);
      expect(table).toMatch(/^usage, all phases and attempts: \d+(\.\d)?k in, \d+ out/m);
      const shown = cli(repo, ['show', '1']).stdout;
      expect(shown).toMatch(/^usage: \d+(\.\d)?k in, \d+ out/m);
      // The stdout tail reads as the agent's actions, not as JSON events.
      expect(shown).toContain(spec.writeAction);
      expect(shown).not.toMatch(/^\{"type"/m);
    });

    it('keeps a model that writes outside its checkout and tries git to its outputs', async () => {
      const { repo, server: model } = await agentRepo({ 1: 'stray' });
      const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
      expect(run.code, run.stderr + run.stdout).toBe(0);
      // The CLI got to both: the model asked for the write outside and for the commit.
      const served = model.served.filter((s) => s.key === 1).map((s) => s.step);
      expect(served).toEqual(expect.arrayContaining([`write ${model.outsidePath}`, 'shell git add -A && git commit -m "agent commit"', 'text']));
      expect(existsSync(model.outsidePath)).toBe(false);
      const [r] = runsOf(repo);
      // The phase branch holds phaserunner's one commit on the base: the agent committed nothing.
      expect(git(repo, 'rev-list', '--count', `${r?.base_sha ?? ''}..phaserunner/planning/1-architecture-baseline`)).toBe('1');
      expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads')).toBe(['main', 'phaserunner/planning/1-architecture-baseline'].map((b) => `refs/heads/${b}`).join('\n'));
      expect(cli(repo, ['audit']).code).toBe(0);
      expect(exitOf(r?.run_dir ?? '').denied).toEqual(spec.strayDenied(model.outsidePath));
    });

    it('fails an attempt whose model writes inside its checkout but outside its outputs, keeping the files', async () => {
      const { repo } = await agentRepo({ 1: 'extra' });
      const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
      expect(run.code).toBe(1);
      const status = json<StatusView>(cli(repo, ['status', '--json']));
      expect(status.phases[0]?.reason).toContain('the agent changed files outside its declared outputs: "src/extra.ts"');
      // Nothing reached main; the attempt's files are kept on its own ref.
      const [r] = runsOf(repo);
      expect(git(repo, 'rev-parse', 'main')).toBe(r?.base_sha);
      expect(git(repo, 'ls-tree', '-r', '--name-only', `refs/phaserunner/attempts/${r?.run_id ?? ''}`).split('\n')).toEqual(expect.arrayContaining(['planning/architecture.md', 'src/extra.ts']));
    });

    it("fails the attempt on the model's API error, with the CLI's own account of it", async () => {
      const { repo } = await agentRepo({ 1: 'api-error' });
      const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
      expect(run.code).toBe(1);
      const [r] = runsOf(repo);
      expect(exitOf(r?.run_dir ?? '').agent_error).toContain('scripted model: this request is refused');
      const status = json<StatusView>(cli(repo, ['status', '--json']));
      expect(status.phases[0]?.reason).toMatch(spec.apiError);
    });

    it("shows the agent's latest action while it works", async () => {
      const { repo } = await agentRepo({ 1: 'slow' });
      const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
      expect(run.code, run.stderr).toBe(0);
      // Plain output gets a progress line each time the action changes: elapsed time, then the action.
      const escaped = spec.writeAction.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
      expect(run.stdout).toMatch(new RegExp(`^ {4}phase 1 .*· \\d+(\\.\\d)?s · ${escaped}$`, 'm'));
    });

    it('fails the attempt of a model that never finishes, at the phase timeout', async () => {
      const { repo } = await agentRepo({ 1: 'hang' }, { timeouts: { phase_minutes: 0.05, kill_grace_seconds: 1 } });
      const run = await runAsync(repo, ['run', '--wait']);
      expect(run.code).toBe(1);
      const status = json<StatusView>(cli(repo, ['status', '--json']));
      expect(status.phases[0]).toMatchObject({ state: 'failed', attempts: 1 });
      expect(status.phases[0]?.reason).toMatch(/past the phase timeout/);
    });
  });
  executionSuite(spec);
}
