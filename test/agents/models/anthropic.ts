// The scripted model behind the Anthropic Messages API (POST /v1/messages, streamed as
// server-sent events), for the real Claude Code binary (through ANTHROPIC_BASE_URL). Writes
// are Write tool calls, shell commands Bash tool calls.
import type { ServerResponse } from 'node:http';
import { resolve } from 'node:path';
import { sendJson, serve, type Exchange, type ModelServer } from './http.js';
import { parsePrompt, SLOW_MS, stepAt, stepsFor, type ModelBehaviors, type Step } from './script.js';

interface Request {
  model?: string;
  stream?: boolean;
  tools?: { name: string }[];
  messages?: { role: string; content: string | { type: string; text?: string }[] }[];
}

/** All user text of the conversation: the prompt is in the first user message, among other context. */
function userText(body: Request): string {
  return (body.messages ?? [])
    .filter((m) => m.role === 'user')
    .flatMap((m) => (typeof m.content === 'string' ? [m.content] : m.content.map((b) => b.text ?? '')))
    .join('\n');
}

function sse(res: ServerResponse, event: string, data: unknown): void {
  res.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
}

// Cached reads count as input too: phaserunner's tokens_in is 1000 + 200 per request.
const USAGE = { input_tokens: 1000, output_tokens: 1, cache_creation_input_tokens: 0, cache_read_input_tokens: 200 };

type Block = { type: 'tool_use'; id: string; name: string; input: unknown } | { type: 'text'; text: string };

function blocksFor(step: Step, worktree: string, id: number): Block[] {
  if ('write' in step) return [{ type: 'tool_use', id: `toolu_${id}`, name: 'Write', input: { file_path: resolve(worktree, step.write.path), content: step.write.content } }];
  if ('shell' in step) return [{ type: 'tool_use', id: `toolu_${id}`, name: 'Bash', input: { command: step.shell } }];
  if ('text' in step) return [{ type: 'text', text: step.text }];
  return [];
}

function answer(res: ServerResponse, body: Request, blocks: Block[], hang: boolean, id: number): void {
  const stop = blocks.some((b) => b.type === 'tool_use') ? 'tool_use' : 'end_turn';
  const message = { id: `msg_${id}`, type: 'message', role: 'assistant', model: body.model ?? 'scripted', stop_sequence: null };
  if (body.stream !== true) {
    if (hang) return; // never answers
    sendJson(res, 200, { ...message, content: blocks, stop_reason: stop, usage: { ...USAGE, output_tokens: 50 } });
    return;
  }
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  sse(res, 'message_start', { type: 'message_start', message: { ...message, content: [], stop_reason: null, usage: USAGE } });
  if (hang) return; // started, and never finished
  blocks.forEach((block, index) => {
    if (block.type === 'text') {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'text', text: '' } });
      sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'text_delta', text: block.text } });
    } else {
      sse(res, 'content_block_start', { type: 'content_block_start', index, content_block: { type: 'tool_use', id: block.id, name: block.name, input: {} } });
      sse(res, 'content_block_delta', { type: 'content_block_delta', index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(block.input) } });
    }
    sse(res, 'content_block_stop', { type: 'content_block_stop', index });
  });
  sse(res, 'message_delta', { type: 'message_delta', delta: { stop_reason: stop, stop_sequence: null }, usage: { output_tokens: 50 } });
  sse(res, 'message_stop', { type: 'message_stop' });
  res.end();
}

let seq = 0;

function handle(x: Exchange, behaviors: ModelBehaviors, outsidePath: string): void {
  const id = ++seq;
  if (x.req.method !== 'POST' || x.path !== '/v1/messages') {
    sendJson(x.res, 404, { type: 'error', error: { type: 'not_found_error', message: `no ${x.req.method ?? ''} ${x.path}` } });
    return;
  }
  const body = JSON.parse(x.body) as Request;
  const prompt = parsePrompt(userText(body));
  const tools = (body.tools ?? []).map((t) => t.name);
  x.record(prompt?.key, tools);
  // A side request (no tools: a title, a summary) or a conversation that is neither a phase nor a task.
  if (prompt === undefined || body.tools === undefined || body.tools.length === 0) {
    answer(x.res, body, [{ type: 'text', text: 'OK' }], false, id);
    return;
  }
  const behavior = behaviors[prompt.key] ?? 'ok';
  if (behavior === 'api-error') {
    sendJson(x.res, 400, { type: 'error', error: { type: 'invalid_request_error', message: 'scripted model: this request is refused' } });
    return;
  }
  const turn = (body.messages ?? []).filter((m) => m.role === 'assistant').length;
  const step = stepAt(stepsFor(prompt, behavior, outsidePath, tools), turn);
  x.serve(prompt.key, step);
  const hang = 'hang' in step;
  if (hang) x.hang();
  const blocks = blocksFor(step, prompt.worktree, id);
  if (behavior === 'slow') {
    setTimeout(() => {
      answer(x.res, body, blocks, hang, id);
    }, SLOW_MS);
  } else answer(x.res, body, blocks, hang, id);
}

export function startAnthropicModel(behaviors: ModelBehaviors, outsidePath: string): Promise<ModelServer> {
  return serve(handle, behaviors, outsidePath);
}
