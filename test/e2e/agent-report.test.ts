// What an agent CLI says of its own run counts: a fake `claude` (a shell script speaking Claude
// Code's stream-json) that exits 0 but reports an error fails its attempt; the tool calls its
// CLI refused are named in the failure; its usage reaches the store. (The real binaries are in
// test/agents/; these paths need a CLI behaving in ways a scripted model server cannot force.)
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { fakeBin } from '../helpers/fake-bin.js';
import { repoWithIntent, scriptedConfig, writeConfig } from '../helpers/git.js';
import { runsOf } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import type { StatusView } from '../../src/runner/status.js';

/** A repository whose agent is a fake claude printing `events` (one JSON object a line) and exiting 0. */
function fakeClaudeRepo(events: readonly unknown[]): string {
  const lines = events.map((e) => `printf '%s\\n' '${JSON.stringify(e)}'`).join('\n');
  const bin = fakeBin({ claude: `cat > /dev/null\n${lines}\nexit 0` });
  const repo = repoWithIntent();
  writeConfig(repo, { ...scriptedConfig(), agent: 'claude', agents: { claude: { type: 'claude', command: join(bin, 'claude') } } });
  return repo;
}

const init = { type: 'system', subtype: 'init', model: 'claude-sonnet-5-5' };
const result = (extra: Record<string, unknown>) => ({
  type: 'result',
  subtype: 'success',
  is_error: false,
  result: 'Done.',
  usage: { input_tokens: 900, cache_read_input_tokens: 100, output_tokens: 40 },
  total_cost_usd: 0.25,
  permission_denials: [],
  ...extra,
});

describe("an agent CLI's own report", () => {
  it('fails an attempt that exited 0 with an error in its result event, and records its usage', () => {
    const repo = fakeClaudeRepo([init, result({ is_error: true, subtype: 'error_during_execution', result: 'API Error: 529 overloaded' })]);
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code).toBe(1);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]?.reason).toBe('attempt 1 failed: the agent exited 0, but its CLI reported an error: API Error: 529 overloaded');
    const [r] = runsOf(repo);
    const exit = JSON.parse(readFileSync(join(r?.run_dir ?? '', 'exit.json'), 'utf8')) as Record<string, unknown>;
    expect(exit).toMatchObject({ exit_code: 0, agent_error: 'API Error: 529 overloaded', tokens_in: 1000, tokens_out: 40, cost_usd: 0.25 });
    expect(readStore<{ tokens_in: number; tokens_out: number; cost_usd: number }>(repo, 'SELECT tokens_in, tokens_out, cost_usd FROM runs')).toEqual([{ tokens_in: 1000, tokens_out: 40, cost_usd: 0.25 }]);
    expect(status.phases[0]?.usage).toEqual({ tokens_in: 1000, tokens_out: 40, cost_usd: 0.25 });
  });

  it('names the tool calls the CLI refused in the failure of an attempt that wrote nothing', () => {
    const denials = [{ tool_name: 'Write', tool_use_id: 't1', tool_input: { file_path: '/etc/phaserunner-test', content: 'x' } }];
    const repo = fakeClaudeRepo([init, result({ permission_denials: denials })]);
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(1);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]?.reason).toBe(
      'attempt 1 failed: the agent exited 0 but changed nothing inside its declared outputs (planning/architecture.md, planning/adr/*.md). The agent\'s CLI refused a tool call: "Write /etc/phaserunner-test".',
    );
  });

  it('fails an attempt whose JSON events stop before the result event (the CLI was stopped), though it exited 0', () => {
    const repo = fakeClaudeRepo([init, { type: 'assistant', message: { content: [{ type: 'text', text: 'Starting.' }] } }]);
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(1);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]?.reason).toBe('attempt 1 failed: the agent exited 0, but its CLI reported an error: Claude Code ended without its result event (it was stopped before it finished)');
  });
});
