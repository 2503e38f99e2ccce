// Codex CLI against a scripted Responses API server (models/openai.ts): see suite.ts.
import { chmodSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startOpenAiModel } from './models/openai.js';
import { agentSuite } from './suite.js';

/**
 * A PATH on which Codex uses the bubblewrap it ships, not the machine's. Codex 0.169 prefers a
 * bwrap on PATH that lists --perms in its --help; with Debian 12's bubblewrap 0.8.0 (which
 * phaserunner's own sandbox tests need, and which lacks --argv0) every file edit of Codex fails
 * ("Failed to write file", measured). A stub named bwrap first on PATH, whose help lists
 * nothing, sends Codex to its own copy.
 */
function pathWithoutSystemBwrap(scratch: string): string {
  const dir = join(scratch, 'path-without-system-bwrap');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'bwrap'), '#!/bin/sh\nexit 1\n');
  chmodSync(join(dir, 'bwrap'), 0o755);
  return `${dir}:${process.env['PATH'] ?? ''}`;
}

agentSuite({
  type: 'codex',
  start: startOpenAiModel,
  settings: (server, scratch) => ({
    // A model in Codex's own catalog: for a name it does not know, it offers no apply_patch tool.
    model: 'gpt-5.5',
    args: [
      // A provider of its own for the scripted server: the built-in one ignores OPENAI_BASE_URL.
      '-c',
      'model_provider="scripted"',
      '-c',
      'model_providers.scripted.name="scripted"',
      '-c',
      `model_providers.scripted.base_url="${server.url}/v1"`,
      '-c',
      'model_providers.scripted.wire_api="responses"',
      // No retries: a failing model server must fail the attempt now, not in half an hour.
      '-c',
      'model_providers.scripted.request_max_retries=0',
      '-c',
      'model_providers.scripted.stream_max_retries=0',
      // No lookups of chatgpt.com, api.github.com or ab.chatgpt.com.
      '-c',
      'analytics.enabled=false',
      '--disable',
      'plugins',
      '--disable',
      'unbounded_connection_retries',
    ],
    // CODEX_HOME must exist; HOME too, for what Codex writes beside it.
    env: { CODEX_HOME: scratch, HOME: scratch, PATH: pathWithoutSystemBwrap(scratch) },
  }),
  // Per request: 1000 input tokens (200 of them cached, already counted) and 50 output; no prices.
  perRequest: { tokensIn: 1000, tokensOut: 50, cost: false },
  // Codex keeps its shell: its sandbox is what keeps the checkout's .git read-only.
  shellTool: 'exec_command',
  // Codex reports no refusal in its events: the sandbox refused, and the attempt is judged by its checkout.
  strayDenied: () => undefined,
  apiError: /^attempt 1 failed: the agent exited with code 1\. Its CLI reported an error: .*scripted model: this request is refused/,
  writeAction: 'add planning/architecture.md',
});
