// The scripted model behind OpenAI's Responses API (POST /v1/responses, streamed as
// server-sent events), for the real Codex CLI (through a model provider whose base_url is this
// server). Writes are apply_patch calls (Codex's freeform tool), shell commands exec_command calls.
import type { ServerResponse } from 'node:http';
import { sendJson, serve, type Exchange, type ModelServer } from './http.js';
import { parsePrompt, SLOW_MS, stepAt, stepsFor, type ModelBehaviors, type Step } from './script.js';

interface Request {
  model?: string;
  tools?: { name?: string; type?: string }[];
  input?: { type?: string; role?: string; content?: string | { type?: string; text?: string }[]; output?: unknown }[];
}

function userText(body: Request): string {
  return (body.input ?? [])
    .filter((i) => i.role === 'user')
    .flatMap((i) => (typeof i.content === 'string' ? [i.content] : (i.content ?? []).map((c) => c.text ?? '')))
    .join('\n');
}

function sse(res: ServerResponse, type: string, data: Record<string, unknown>): void {
  res.write(`event: ${type}\ndata: ${JSON.stringify({ type, ...data })}\n\n`);
}

/** A patch adding one file; its lines are the file's, each with a leading "+". */
function addFilePatch(path: string, content: string): string {
  const lines = content.endsWith('\n') ? content.slice(0, -1).split('\n') : content.split('\n');
  return `*** Begin Patch\n*** Add File: ${path}\n${lines.map((l) => `+${l}`).join('\n')}\n*** End Patch\n`;
}

function itemsFor(step: Step, id: number): Record<string, unknown>[] {
  if ('write' in step) return [{ type: 'custom_tool_call', id: `ctc_${id}`, call_id: `call_${id}`, name: 'apply_patch', input: addFilePatch(step.write.path, step.write.content), status: 'completed' }];
  if ('shell' in step) return [{ type: 'function_call', id: `fc_${id}`, call_id: `call_${id}`, name: 'exec_command', arguments: JSON.stringify({ cmd: step.shell, yield_time_ms: 10_000 }), status: 'completed' }];
  if ('text' in step) return [{ type: 'message', id: `msg_${id}`, role: 'assistant', status: 'completed', content: [{ type: 'output_text', text: step.text, annotations: [] }] }];
  return [];
}

function answer(res: ServerResponse, items: Record<string, unknown>[], hang: boolean, id: number): void {
  res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-cache' });
  const response = { id: `resp_${id}`, object: 'response', status: 'in_progress', output: [] };
  sse(res, 'response.created', { response });
  if (hang) return; // started, and never finished
  items.forEach((item, index) => {
    sse(res, 'response.output_item.added', { output_index: index, item: { ...item, status: 'in_progress' } });
    sse(res, 'response.output_item.done', { output_index: index, item });
  });
  const usage = { input_tokens: 1000, input_tokens_details: { cached_tokens: 200 }, output_tokens: 50, output_tokens_details: { reasoning_tokens: 10 }, total_tokens: 1050 };
  sse(res, 'response.completed', { response: { ...response, status: 'completed', output: items, usage } });
  res.end();
}

let seq = 0;

function handle(x: Exchange, behaviors: ModelBehaviors, outsidePath: string): void {
  const id = ++seq;
  if (x.req.method !== 'POST' || x.path !== '/v1/responses') {
    sendJson(x.res, 404, { error: { message: `no ${x.req.method ?? ''} ${x.path}`, type: 'not_found' } });
    return;
  }
  const body = JSON.parse(x.body) as Request;
  const prompt = parsePrompt(userText(body));
  const tools = (body.tools ?? []).map((t) => t.name ?? t.type ?? '?');
  x.record(prompt?.key, tools);
  if (prompt === undefined) {
    answer(x.res, itemsFor({ text: 'OK' }, id), false, id);
    return;
  }
  const behavior = behaviors[prompt.key] ?? 'ok';
  if (behavior === 'api-error') {
    sendJson(x.res, 400, { error: { message: 'scripted model: this request is refused', type: 'invalid_request_error', code: 'scripted' } });
    return;
  }
  // The whole conversation is sent each time: each tool result is one step done; the last one
  // is what the CLI reports of the step before this request.
  const turn = (body.input ?? []).filter((i) => /_call_output$/.test(i.type ?? '')).length;
  const last = body.input?.at(-1);
  if (last?.type === 'function_call_output') x.result(prompt.key, typeof last.output === 'string' ? last.output : JSON.stringify(last.output));
  const step = stepAt(stepsFor(prompt, behavior, outsidePath, tools), turn);
  x.serve(prompt.key, step);
  const hang = 'hang' in step;
  if (hang) x.hang();
  const items = itemsFor(step, id);
  if (behavior === 'slow') {
    setTimeout(() => {
      answer(x.res, items, hang, id);
    }, SLOW_MS);
  } else answer(x.res, items, hang, id);
}

export function startOpenAiModel(behaviors: ModelBehaviors, outsidePath: string): Promise<ModelServer> {
  return serve(handle, behaviors, outsidePath);
}
