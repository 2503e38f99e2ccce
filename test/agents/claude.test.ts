// The real Claude Code binary (installed by `npm run test:agents`, pinned in
// scripts/install-agents.mjs) driving planning phases 1-4 through phaserunner, its model played
// by a scripted server on 127.0.0.1 (models/anthropic.ts). And the same binary with a model that
// misbehaves: writes outside its checkout, tries git, never finishes.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { cli, cliAsync, json } from '../helpers/cli.js';
import { git, repoWithIntent, ROOT, tempDir, writeConfig } from '../helpers/git.js';
import { runsOf } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import type { StatusView } from '../../src/runner/status.js';
import { startAnthropicModel } from './models/anthropic.js';
import type { ModelServer } from './models/http.js';
import type { ModelBehavior } from './models/script.js';

const CLAUDE = join(ROOT, 'node_modules', '.cache', 'phaserunner-agents', 'node_modules', '.bin', 'claude');

let server: ModelServer | undefined;

/** The CLI without blocking this process: the model server answers from its event loop. */
const runAsync = (repo: string, args: string[]) => cliAsync(repo, args).done;
afterEach(async () => {
  await server?.close();
  server = undefined;
});

async function claudeRepo(behaviors: Record<number, ModelBehavior> = {}, extra: Record<string, unknown> = {}): Promise<string> {
  server = await startAnthropicModel(behaviors, join(tempDir(), 'outside.txt'));
  const repo = repoWithIntent();
  writeConfig(repo, {
    version: 1,
    base: 'main',
    agent: 'claude',
    approvals: [],
    agents: {
      claude: {
        type: 'claude',
        command: CLAUDE,
        model: 'scripted-model',
        // No retries: a failing model server must fail the attempt now, not in an hour.
        env: { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'test-key', CLAUDE_CODE_MAX_RETRIES: '0' },
      },
    },
    ...extra,
  });
  return repo;
}

describe('the real claude binary', () => {
  it('is installed by npm run test:agents', () => {
    expect(existsSync(CLAUDE)).toBe(true);
  });

  it('runs planning phases 1-4 end to end: four phase commits, four merges, audit clean', async () => {
    const repo = await claudeRepo();
    const run = await runAsync(repo, ['run', '--wait']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases.map((p) => [p.phase, p.state, p.attempts])).toEqual([[1, 'done', 1], [2, 'done', 1], [3, 'done', 1], [4, 'done', 1]]);
    const merges = git(repo, 'log', '--first-parent', '--merges', '--format=%s', 'main').split('\n');
    expect(merges.map((m) => /^planning: merge phase (\d) /.exec(m)?.[1])).toEqual(['4', '3', '2', '1']);
    // Each phase commit is phaserunner's, with the agent named in its trailers, on the base it started from.
    const runs = readStore<{ commit_sha: string; base_sha: string }>(repo, 'SELECT commit_sha, base_sha FROM runs ORDER BY phase');
    expect(runs).toHaveLength(4);
    for (const r of runs) {
      const [parents, agent] = git(repo, 'log', '-1', '--format=%P%n%(trailers:key=Agent,valueonly)', r.commit_sha).split('\n');
      expect(parents).toBe(r.base_sha);
      expect(agent).toBe('claude');
    }
    expect(cli(repo, ['audit']).code).toBe(0);
    // The model saw each phase's prompt, and was offered no shell.
    const phases = new Set(server?.requests.map((q) => q.phase));
    expect([...phases].filter((p) => p !== undefined).sort()).toEqual([1, 2, 3, 4]);
    for (const q of server?.requests ?? []) if (q.tools.length > 0) expect(q.tools).not.toContain('Bash');

    // Usage from Claude Code's result event, through exit.json and the store, into status:
    // per request the scripted model reports 1000 input tokens, 200 cached and 50 output.
    for (const p of status.phases) {
      const requests = (server?.requests ?? []).filter((q) => q.phase === p.phase && q.tools.length > 0).length;
      expect(requests).toBeGreaterThan(1);
      expect(p.usage).toMatchObject({ tokens_in: 1200 * requests, tokens_out: 50 * requests });
      expect(p.usage?.cost_usd).toBeGreaterThan(0);
    }
    const table = cli(repo, ['status']).stdout;
    expect(table).toMatch(/usage\n/);
    expect(table).toMatch(/^usage, all phases and attempts: \d+(\.\d)?k in, \d+ out, \$\d+\.\d+$/m);
    const shown = cli(repo, ['show', '1']).stdout;
    expect(shown).toMatch(/^usage: \d+(\.\d)?k in, \d+ out, \$/m);
    // The stdout tail reads as the agent's actions, not as JSON events.
    expect(shown).toContain('Write planning/architecture.md');
    expect(shown).not.toContain('"type":"result"');
  });

  it('keeps a model that writes outside its checkout and tries git to its outputs', async () => {
    const repo = await claudeRepo({ 1: 'stray' });
    const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr + run.stdout).toBe(0);
    expect(existsSync(server?.outsidePath ?? '')).toBe(false);
    const [r] = runsOf(repo);
    // The phase branch holds phaserunner's one commit on the base: the agent committed nothing.
    expect(git(repo, 'rev-list', '--count', `${r?.base_sha ?? ''}..phaserunner/planning/1-architecture-baseline`)).toBe('1');
    expect(cli(repo, ['audit']).code).toBe(0);
    // Claude Code refused the write outside the checkout, and its report says so; the shell
    // was never offered, so the git command was not a tool it had.
    const exit = JSON.parse(readFileSync(join(r?.run_dir ?? '', 'exit.json'), 'utf8')) as { denied?: string[] };
    expect(exit.denied).toEqual([`Write ${server?.outsidePath ?? ''}`]);
  });

  it('fails an attempt whose model writes inside its checkout but outside its outputs, keeping the files', async () => {
    const repo = await claudeRepo({ 1: 'extra' });
    const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
    expect(run.code).toBe(1);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]?.reason).toContain('the agent changed files outside its declared outputs: "src/extra.ts"');
    // Nothing reached main; the attempt's files are kept on its own ref.
    const [r] = runsOf(repo);
    expect(git(repo, 'rev-parse', 'main')).toBe(r?.base_sha);
    expect(git(repo, 'ls-tree', '-r', '--name-only', `refs/phaserunner/attempts/${r?.run_id ?? ''}`).split('\n')).toEqual(expect.arrayContaining(['planning/architecture.md', 'src/extra.ts']));
  });

  it('fails the attempt when Claude Code ends with an API error, though it exits 0', async () => {
    const repo = await claudeRepo({ 1: 'api-error' });
    const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
    expect(run.code).toBe(1);
    const [r] = runsOf(repo);
    const exit = JSON.parse(readFileSync(join(r?.run_dir ?? '', 'exit.json'), 'utf8')) as { exit_code: number; agent_error?: string };
    expect(exit.agent_error).toContain('scripted model: this request is refused');
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    // Claude Code exits 1 after a 400; its own report, not its stderr, says why.
    expect(status.phases[0]?.reason).toMatch(/^attempt 1 failed: the agent exited with code 1\. Its CLI reported an error: API Error: 400 scripted model: this request is refused$/);
  });

  it("shows the agent's latest action while it works", async () => {
    const repo = await claudeRepo({ 1: 'slow' });
    const run = await runAsync(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    // Plain output gets a progress line each time the action changes: elapsed time, then the action.
    expect(run.stdout).toMatch(/^ {4}phase 1 .*· \d+(\.\d)?s · Write planning\/architecture\.md$/m);
  });

  it('fails the attempt of a model that never finishes, at the phase timeout', async () => {
    const repo = await claudeRepo({ 1: 'hang' }, { timeouts: { phase_minutes: 0.05, kill_grace_seconds: 1 } });
    const run = await runAsync(repo, ['run', '--wait']);
    expect(run.code).toBe(1);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]).toMatchObject({ state: 'failed', attempts: 1 });
    expect(status.phases[0]?.reason).toMatch(/past the phase timeout/);
  });
});
