// The scripted model behind the Gemini API (POST /v1beta/models/<model>:streamGenerateContent,
// streamed as server-sent events), for the real Gemini CLI (through GOOGLE_GEMINI_BASE_URL).
// Writes are write_file calls, shell commands run_shell_command calls.
import type { ServerResponse } from 'node:http';
import { sendJson, serve, type Exchange, type ModelServer } from './http.js';
import { parsePrompt, SLOW_MS, stepAt, stepsFor, type ModelBehaviors, type Step } from './script.js';

interface Part {
  text?: string;
  functionCall?: unknown;
  functionResponse?: unknown;
}

interface Request {
  contents?: { role?: string; parts?: Part[] }[];
  tools?: { functionDeclarations?: { name: string }[] }[];
}

function userText(body: Request): string {
  return (body.contents ?? [])
    .filter((c) => c.role === 'user')
    .flatMap((c) => (c.parts ?? []).map((p) => p.text ?? ''))
    .join('\n');
}

// Per request: 1000 prompt tokens (200 of them cached, already counted) and 50 output.
const USAGE = { promptTokenCount: 1000, cachedContentTokenCount: 200, candidatesTokenCount: 50, totalTokenCount: 1050 };

function partsFor(step: Step): Part[] {
  if ('write' in step) return [{ functionCall: { name: 'write_file', args: { file_path: step.write.path, content: step.write.content } } }];
  if ('shell' in step) return [{ functionCall: { name: 'run_shell_command', args: { command: step.shell, description: 'commit' } } }];
  if ('text' in step) return [{ text: step.text }];
  return [];
}

function answer(res: ServerResponse, parts: Part[], hang: boolean): void {
  res.writeHead(200, { 'content-type': 'text/event-stream' });
  if (hang) return; // headers sent, and nothing more
  const chunk = { candidates: [{ content: { role: 'model', parts }, finishReason: 'STOP', index: 0 }], usageMetadata: USAGE, modelVersion: 'scripted-1' };
  res.write(`data: ${JSON.stringify(chunk)}\r\n\r\n`);
  res.end();
}

function handle(x: Exchange, behaviors: ModelBehaviors, outsidePath: string): void {
  if (x.req.method !== 'POST' || !/^\/v1beta\/models\/[^/]+:streamGenerateContent$/.test(x.path)) {
    sendJson(x.res, 404, { error: { code: 404, message: `no ${x.req.method ?? ''} ${x.path}`, status: 'NOT_FOUND' } });
    return;
  }
  const body = JSON.parse(x.body) as Request;
  const prompt = parsePrompt(userText(body));
  const tools = (body.tools ?? []).flatMap((t) => (t.functionDeclarations ?? []).map((f) => f.name));
  x.record(prompt?.key, tools);
  if (prompt === undefined) {
    answer(x.res, [{ text: 'OK' }], false);
    return;
  }
  const behavior = behaviors[prompt.key] ?? 'ok';
  if (behavior === 'api-error') {
    sendJson(x.res, 400, { error: { code: 400, message: 'scripted model: this request is refused', status: 'INVALID_ARGUMENT' } });
    return;
  }
  // Each function response in the conversation is one step done.
  const turn = (body.contents ?? []).flatMap((c) => c.parts ?? []).filter((p) => p.functionResponse !== undefined).length;
  const step = stepAt(stepsFor(prompt, behavior, outsidePath, tools), turn);
  x.serve(prompt.key, step);
  const hang = 'hang' in step;
  if (hang) x.hang();
  const parts = partsFor(step);
  if (behavior === 'slow') {
    setTimeout(() => {
      answer(x.res, parts, hang);
    }, SLOW_MS);
  } else answer(x.res, parts, hang);
}

export function startGeminiModel(behaviors: ModelBehaviors, outsidePath: string): Promise<ModelServer> {
  return serve(handle, behaviors, outsidePath);
}
