// Claude Code's `--output-format stream-json --verbose`: one JSON event per line. Measured
// against 2.1.328 (test/agents/): `system` (init), `assistant` (message.content: text and
// tool_use blocks), `user` (tool results), and last a `result` event with `usage`,
// `total_cost_usd`, `is_error`, `subtype` and `permission_denials`. Claude Code exits 0 when
// every write was refused (test/agents/), and exited 0 with `is_error` after API errors in a
// hand measurement (a plain 400 makes it exit 1): only the result event says so.
import { amount, count, describeTool, isRecord, oneLine, parseEvent, type AgentReport, type OutputReader } from './types.js';

function report(lines: readonly string[]): AgentReport {
  let events = 0;
  for (let i = lines.length - 1; i >= 0; i--) {
    const event = parseEvent(lines[i] ?? '');
    if (event !== undefined) events++;
    if (event?.type !== 'result') continue;
    const out: AgentReport = {};
    const usage = isRecord(event.usage) ? event.usage : {};
    // Input counts every token the model read: cached reads and cache writes are input too.
    const parts = [usage.input_tokens, usage.cache_creation_input_tokens, usage.cache_read_input_tokens].map(count);
    if (parts[0] !== undefined) out.tokens_in = parts.reduce<number>((sum, n) => sum + (n ?? 0), 0);
    const tokensOut = count(usage.output_tokens);
    if (tokensOut !== undefined) out.tokens_out = tokensOut;
    const cost = amount(event.total_cost_usd);
    if (cost !== undefined) out.cost_usd = cost;
    if (event.is_error === true) {
      const text = typeof event.result === 'string' && event.result.trim() !== '' ? event.result : typeof event.subtype === 'string' ? event.subtype : 'error';
      out.agent_error = oneLine(text, 500);
    }
    if (Array.isArray(event.permission_denials) && event.permission_denials.length > 0) {
      out.denied = event.permission_denials.filter(isRecord).map((d) => oneLine(describeTool(d.tool_name, d.tool_input), 300));
    }
    return out;
  }
  // Events, but no result: the CLI was stopped before it finished (it exits 0 on SIGINT).
  return events > 0 ? { agent_error: 'Claude Code ended without its result event (it was stopped before it finished)' } : {};
}

function action(line: string): string | undefined {
  const event = parseEvent(line);
  if (event === undefined) return undefined;
  if (event.type === 'system' && event.subtype === 'init') return `started${typeof event.model === 'string' ? ` (model ${event.model})` : ''}`;
  if (event.type === 'result') return event.is_error === true ? 'ended with an error' : 'finished';
  if (event.type !== 'assistant' || !isRecord(event.message) || !Array.isArray(event.message.content)) return undefined;
  // The last block is the newest thing the agent did.
  const block: unknown = event.message.content.at(-1);
  if (!isRecord(block)) return undefined;
  if (block.type === 'tool_use') return describeTool(block.name, block.input);
  if (block.type === 'text' && typeof block.text === 'string' && block.text.trim() !== '') return block.text;
  return undefined;
}

export const claudeOutput: OutputReader = { report, action };
