// Codex CLI's `exec --json`: one JSON event per line. Measured against 0.169.0 (test/agents/):
// `thread.started`, `turn.started`, `item.started` / `item.completed` (items: agent_message,
// reasoning, command_execution, file_change, error), then `turn.completed` with `usage` or
// `turn.failed` with `error.message`; a top-level `error` event reports reconnects. Usage is
// per turn and has no cost. What the sandbox refuses leaves no event at all.
import { count, isRecord, parseEvent, type AgentReport, type OutputReader } from './types.js';

function report(lines: readonly string[]): AgentReport {
  const out: AgentReport = {};
  let tokensIn: number | undefined;
  let tokensOut: number | undefined;
  for (const line of lines) {
    const event = parseEvent(line);
    if (event?.type === 'turn.completed' && isRecord(event.usage)) {
      // OpenAI's input_tokens include the cached ones, and output_tokens the reasoning ones.
      const inTurn = count(event.usage.input_tokens);
      const outTurn = count(event.usage.output_tokens);
      if (inTurn !== undefined) tokensIn = (tokensIn ?? 0) + inTurn;
      if (outTurn !== undefined) tokensOut = (tokensOut ?? 0) + outTurn;
    } else if (event?.type === 'turn.failed') {
      const error = isRecord(event.error) && typeof event.error.message === 'string' ? event.error.message : 'the turn failed';
      out.agent_error = error;
    }
  }
  if (tokensIn !== undefined) out.tokens_in = tokensIn;
  if (tokensOut !== undefined) out.tokens_out = tokensOut;
  return out;
}

function action(line: string): string | undefined {
  const event = parseEvent(line);
  if (event === undefined) return undefined;
  if (event.type === 'thread.started') return 'started';
  if (event.type === 'turn.completed') return 'finished';
  if (event.type === 'turn.failed') return 'ended with an error';
  if ((event.type !== 'item.started' && event.type !== 'item.completed') || !isRecord(event.item)) return undefined;
  const item = event.item;
  switch (item.type) {
    case 'command_execution':
      return typeof item.command === 'string' ? `$ ${unwrapShell(item.command)}` : undefined;
    case 'file_change':
      return Array.isArray(item.changes)
        ? item.changes
            .filter(isRecord)
            .map((c) => `${typeof c.kind === 'string' ? c.kind : 'change'} ${typeof c.path === 'string' ? c.path : '?'}`)
            .join(', ')
        : undefined;
    case 'agent_message':
    case 'reasoning':
      return typeof item.text === 'string' && item.text.trim() !== '' ? item.text : undefined;
    default:
      return undefined;
  }
}

/** `/bin/bash -lc 'git status'` is shown as the command it runs. */
function unwrapShell(command: string): string {
  const wrapped = /^\S*\/(?:ba)?sh -l?c '(.*)'$/s.exec(command);
  return wrapped?.[1] ?? command;
}

export const codexOutput: OutputReader = { report, action };
