// Gemini CLI's `--output-format stream-json`: one JSON event per line. Measured against 0.61.0
// (test/agents/): `init`, `message` (user, and the assistant's text in chunks), `tool_use`
// (tool_name, tool_id, parameters), `tool_result` (status, and `error.type` when it failed),
// `error` (warnings), and last a `result` event with `status` and `stats` (tokens, no cost).
// Gemini CLI exits 0 when a tool was refused, and also when a signal stopped it: then there is
// no result event.
import { count, describeTool, isRecord, parseEvent, type AgentReport, type OutputReader } from './types.js';

/** Tool errors that are Gemini CLI's permission rules, not a tool failing at its work. */
const REFUSALS = new Set(['policy_violation', 'tool_not_registered', 'path_not_in_workspace']);

function refused(event: Record<string, unknown>): boolean {
  if (event.status !== 'error' || !isRecord(event.error)) return false;
  const type = event.error.type;
  const message = typeof event.error.message === 'string' ? event.error.message : '';
  return (typeof type === 'string' && REFUSALS.has(type)) || /^Path not in workspace\b/.test(message);
}

function report(lines: readonly string[]): AgentReport {
  const out: AgentReport = {};
  const tools = new Map<string, string>();
  const denied: string[] = [];
  let events = 0;
  let result: Record<string, unknown> | undefined;
  for (const line of lines) {
    const event = parseEvent(line);
    if (event === undefined) continue;
    events++;
    if (event.type === 'tool_use' && typeof event.tool_id === 'string') tools.set(event.tool_id, describeTool(event.tool_name, event.parameters));
    else if (event.type === 'tool_result' && refused(event)) denied.push(tools.get(String(event.tool_id)) ?? 'a tool');
    else if (event.type === 'result') result = event;
  }
  if (denied.length > 0) out.denied = denied;
  if (result === undefined) {
    // Events, but no result: the CLI was stopped (it exits 0 on SIGTERM and SIGINT).
    if (events > 0) out.agent_error = 'Gemini CLI ended without its result event (it was stopped before it finished)';
    return out;
  }
  const stats = isRecord(result.stats) ? result.stats : {};
  // input_tokens include the cached ones; output_tokens leave out the model's thoughts.
  const tokensIn = count(stats.input_tokens);
  const tokensOut = count(stats.output_tokens);
  if (tokensIn !== undefined) out.tokens_in = tokensIn;
  if (tokensOut !== undefined) out.tokens_out = tokensOut;
  if (result.status === 'error') {
    out.agent_error = isRecord(result.error) && typeof result.error.message === 'string' ? result.error.message : 'Gemini CLI reported an error';
  }
  return out;
}

function action(line: string): string | undefined {
  const event = parseEvent(line);
  if (event === undefined) return undefined;
  if (event.type === 'init') return `started${typeof event.model === 'string' ? ` (model ${event.model})` : ''}`;
  if (event.type === 'tool_use') return describeTool(event.tool_name, event.parameters);
  if (event.type === 'message' && event.role === 'assistant' && typeof event.content === 'string' && event.content.trim() !== '') return event.content;
  if (event.type === 'result') return event.status === 'error' ? 'ended with an error' : 'finished';
  return undefined;
}

export const geminiOutput: OutputReader = { report, action };
