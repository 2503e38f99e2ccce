// Reading agent CLIs' JSON events: usage, errors and refusals for exit.json, actions for progress.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { agentReport, latestActions, tailLines } from '../../src/dispatch/agent-output/read.js';
import { tempDir } from '../helpers/temp.js';

const dir = tempDir('phaserunner-output-');
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

  it('reports a run that ended before its result event as an error, and nothing for no JSON at all', () => {
    expect(agentReport('claude-stream-json', log([init, write]))).toEqual({ agent_error: 'Claude Code ended without its result event (it was stopped before it finished)' });
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

describe("Codex CLI's exec --json", () => {
  const started = { type: 'thread.started', thread_id: 't' };
  const command = { type: 'item.started', item: { id: 'i0', type: 'command_execution', command: "/bin/bash -lc 'git status --short'", status: 'in_progress' } };
  const change = { type: 'item.completed', item: { id: 'i1', type: 'file_change', changes: [{ path: '/wt/planning/architecture.md', kind: 'add' }, { path: '/wt/planning/adr/0001-x.md', kind: 'update' }], status: 'completed' } };
  const message = { type: 'item.completed', item: { id: 'i2', type: 'agent_message', text: 'Wrote the architecture.' } };
  const turn = (input: number, output: number) => ({ type: 'turn.completed', usage: { input_tokens: input, cached_input_tokens: 100, output_tokens: output, reasoning_output_tokens: 10 } });

  it('sums usage over turns (cached input is part of input_tokens), and has no cost', () => {
    expect(agentReport('codex-json', log([started, command, change, turn(4000, 200), turn(1000, 50)]))).toEqual({ tokens_in: 5000, tokens_out: 250 });
  });

  it('reports a failed turn as the error it ended with', () => {
    const failed = { type: 'turn.failed', error: { message: 'stream disconnected before completion: idle timeout waiting for SSE' } };
    expect(agentReport('codex-json', log([started, { type: 'error', message: 'Reconnecting... 1/5' }, failed]))).toEqual({
      agent_error: 'stream disconnected before completion: idle timeout waiting for SSE',
    });
  });

  it('describes commands without their shell wrapper, and file changes relative to the checkout', () => {
    expect(latestActions({ format: 'codex-json', cwd: '/wt' }, log([started, command, change, message, turn(1, 1)]), 10)).toEqual([
      'started',
      '$ git status --short',
      'add planning/architecture.md, update planning/adr/0001-x.md',
      'Wrote the architecture.',
      'finished',
    ]);
  });
});

describe("Gemini CLI's stream-json", () => {
  const init = { type: 'init', session_id: 's', model: 'gemini-2.5-flash' };
  const use = (id: string, tool: string, parameters: Record<string, unknown>) => ({ type: 'tool_use', tool_name: tool, tool_id: id, parameters });
  const ok = (id: string) => ({ type: 'tool_result', tool_id: id, status: 'success' });
  const error = (id: string, type: string, message: string) => ({ type: 'tool_result', tool_id: id, status: 'error', output: message, error: { type, message } });
  const result = { type: 'result', status: 'success', stats: { total_tokens: 1450, input_tokens: 1000, output_tokens: 50, cached: 400, input: 600 } };

  it('reports usage from the result event (input including cached), and the tool calls its rules refused', () => {
    const file = log([
      init,
      use('a', 'write_file', { file_path: 'planning/architecture.md', content: 'x' }),
      ok('a'),
      use('b', 'write_file', { file_path: '/tmp/outside.txt', content: 'x' }),
      error('b', 'invalid_tool_params', 'Path not in workspace: Attempted path "/tmp/outside.txt" resolves outside the allowed workspace directories'),
      use('c', 'run_shell_command', { command: 'git commit -m x' }),
      error('c', 'tool_not_registered', 'Tool "run_shell_command" not found.'),
      use('d', 'read_file', { file_path: 'missing.md' }),
      error('d', 'file_not_found', 'File not found'),
      result,
    ]);
    expect(agentReport('gemini-stream-json', file)).toEqual({ tokens_in: 1000, tokens_out: 50, denied: ['write_file /tmp/outside.txt', 'run_shell_command git commit -m x'] });
  });

  it('reports an error result, and a stream stopped before its result (Gemini CLI exits 0 on SIGTERM)', () => {
    const failed = { type: 'result', status: 'error', error: { type: 'unknown', message: '[API Error: terminated]' }, stats: { input_tokens: 0, output_tokens: 0 } };
    expect(agentReport('gemini-stream-json', log([init, failed]))).toEqual({ tokens_in: 0, tokens_out: 0, agent_error: '[API Error: terminated]' });
    expect(agentReport('gemini-stream-json', log([init, use('a', 'read_file', { file_path: 'x' })])).agent_error).toMatch(/ended without its result event/);
  });

  it('describes tool calls and assistant text', () => {
    const file = log([init, { type: 'message', role: 'user', content: 'the prompt' }, { type: 'message', role: 'assistant', content: 'Reading.', delta: true }, use('a', 'write_file', { file_path: '/wt/planning/architecture.md' }), ok('a'), result]);
    expect(latestActions({ format: 'gemini-stream-json', cwd: '/wt' }, file, 10)).toEqual(['started (model gemini-2.5-flash)', 'Reading.', 'write_file planning/architecture.md', 'finished']);
  });
});
