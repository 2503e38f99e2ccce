// Reading agent CLIs' JSON events: usage, errors and refusals for exit.json, actions for progress.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentReport, latestActions, tailLines } from '../../src/dispatch/agent-output/read.js';

const dir = mkdtempSync(join(tmpdir(), 'phaserunner-output-'));
let n = 0;
function log(lines: readonly unknown[]): string {
  const file = join(dir, `stdout-${++n}.log`);
  writeFileSync(file, lines.map((l) => (typeof l === 'string' ? l : JSON.stringify(l))).join('\n') + '\n');
  return file;
}

const init = { type: 'system', subtype: 'init', model: 'claude-sonnet-5-5', cwd: '/wt' };
const write = { type: 'assistant', message: { content: [{ type: 'tool_use', name: 'Write', input: { file_path: '/wt/planning/architecture.md', content: 'x'.repeat(50) } }] } };
const text = { type: 'assistant', message: { content: [{ type: 'text', text: '\n  Both files are written.\nMore detail.' }] } };
const result = (extra: Record<string, unknown>) => ({
  type: 'result',
  subtype: 'success',
  is_error: false,
  usage: { input_tokens: 3000, cache_creation_input_tokens: 500, cache_read_input_tokens: 1500, output_tokens: 420 },
  total_cost_usd: 0.0123,
  permission_denials: [],
  ...extra,
});

describe("Claude Code's stream-json", () => {
  it('reports usage from the result event, counting cached input as input', () => {
    expect(agentReport('claude-stream-json', log([init, write, text, result({})]))).toEqual({ tokens_in: 5000, tokens_out: 420, cost_usd: 0.0123 });
  });

  it('reports an error the CLI ended with, and the tool calls it refused', () => {
    const file = log([
      init,
      result({
        is_error: true,
        subtype: 'error_during_execution',
        result: 'API Error: 529 overloaded\nretry later',
        permission_denials: [{ tool_name: 'Write', tool_input: { file_path: '/etc/passwd', content: '' } }, { tool_name: 'WebFetch', tool_input: { url: 'http://x' } }, { tool_name: 'Odd' }],
      }),
    ]);
    expect(agentReport('claude-stream-json', file)).toMatchObject({ agent_error: 'API Error: 529 overloaded', denied: ['Write /etc/passwd', 'WebFetch http://x', 'Odd'] });
    // No result text: the subtype names the error.
    expect(agentReport('claude-stream-json', log([result({ is_error: true, subtype: 'error_max_turns' })])).agent_error).toBe('error_max_turns');
  });

  it('reports nothing when the run ended before its result event, or wrote no JSON', () => {
    expect(agentReport('claude-stream-json', log([init, write]))).toEqual({});
    expect(agentReport('claude-stream-json', log(['Error: not logged in', '{broken']))).toEqual({});
    expect(agentReport('claude-stream-json', join(dir, 'missing.log'))).toEqual({});
  });

  it('ignores usage fields that are not counts', () => {
    const file = log([result({ usage: { input_tokens: -1, output_tokens: 1.5 }, total_cost_usd: 'free' })]);
    expect(agentReport('claude-stream-json', file)).toEqual({});
  });

  it("describes the agent's actions, paths relative to its checkout, on one line each", () => {
    const file = log([init, write, { type: 'user', message: { content: [{ type: 'tool_result' }] } }, text, result({})]);
    expect(latestActions({ format: 'claude-stream-json', cwd: '/wt' }, file, 10)).toEqual([
      'started (model claude-sonnet-5-5)',
      'Write planning/architecture.md',
      'Both files are written.',
      'finished',
    ]);
    expect(latestActions({ format: 'claude-stream-json', cwd: '/wt' }, file, 2)).toEqual(['Both files are written.', 'finished']);
  });
});

describe('tailLines', () => {
  it('drops the line the tail cuts through, so a half event is never parsed', () => {
    const file = log([{ a: 'x'.repeat(100) }, { b: 1 }]);
    expect(tailLines(file, 20)).toEqual(['{"b":1}']);
    expect(tailLines(file, 10_000)).toHaveLength(2);
  });
});
