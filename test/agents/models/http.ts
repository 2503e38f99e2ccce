// The HTTP side of every scripted model server: listens on 127.0.0.1, hands each request's
// body to the vendor's handler, and on close cuts the answers left hanging.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { ModelBehaviors, PromptKey, Step } from './script.js';

export interface ModelServer {
  readonly url: string;
  /** Every model request: its phase or task (when the prompt named one) and the tools offered. */
  readonly requests: { key: PromptKey | undefined; tools: string[] }[];
  /** Every step the model answered with, per phase or task ("write <path>", "shell <command>", "text", "hang"): what the CLI got to. */
  readonly served: { key: PromptKey; step: string }[];
  /** What the CLI sent back of each shell command it ran for the model (recorded where a shell is offered: Codex). */
  readonly results: { key: PromptKey; output: string }[];
  /** Where `stray` tries to write: must never exist. */
  readonly outsidePath: string;
  close(): Promise<void>;
}

export interface Exchange {
  readonly req: IncomingMessage;
  readonly res: ServerResponse;
  readonly path: string;
  readonly body: string;
  /** Keep the response open until the server closes (a model that never finishes). */
  hang(): void;
  record(key: PromptKey | undefined, tools: string[]): void;
  /** Notes the step the model answers a phase's or task's request with. */
  serve(key: PromptKey, step: Step): void;
  /** Notes the result of a shell command the CLI sent back. */
  result(key: PromptKey, output: string): void;
}

export type Handler = (exchange: Exchange, behaviors: ModelBehaviors, outsidePath: string) => void;

export async function serve(handler: Handler, behaviors: ModelBehaviors, outsidePath: string): Promise<ModelServer> {
  const requests: ModelServer['requests'] = [];
  const served: ModelServer['served'] = [];
  const results: ModelServer['results'] = [];
  const hanging = new Set<ServerResponse>();
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      handler(
        {
          req,
          res,
          path: new URL(req.url ?? '/', 'http://x').pathname,
          body: Buffer.concat(chunks).toString('utf8'),
          hang: () => hanging.add(res),
          record: (key, tools) => requests.push({ key, tools }),
          result: (key, output) => results.push({ key, output }),
          serve: (key, step) => served.push({ key, step: 'write' in step ? `write ${step.write.path}` : 'shell' in step ? `shell ${step.shell}` : 'text' in step ? 'text' : 'hang' }),
        },
        behaviors,
        outsidePath,
      );
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    served,
    results,
    outsidePath,
    close: () =>
      new Promise<void>((resolve) => {
        for (const res of hanging) res.destroy();
        server.closeAllConnections();
        server.close(() => {
          resolve();
        });
      }),
  };
}

export function sendJson(res: ServerResponse, status: number, value: unknown): void {
  res.writeHead(status, { 'content-type': 'application/json' });
  res.end(JSON.stringify(value));
}
