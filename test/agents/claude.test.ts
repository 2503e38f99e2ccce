// Claude Code against a scripted Messages API server (models/anthropic.ts): see suite.ts.
import { startAnthropicModel } from './models/anthropic.js';
import { agentSuite } from './suite.js';

agentSuite({
  type: 'claude',
  start: startAnthropicModel,
  settings: (server, scratch) => ({
    model: 'scripted-model',
    // No retries: a failing model server must fail the attempt now, not in an hour. Its own
    // home: Claude Code keeps sessions and settings in ~/.claude.
    env: { ANTHROPIC_BASE_URL: server.url, ANTHROPIC_API_KEY: 'test-key', CLAUDE_CODE_MAX_RETRIES: '0', HOME: scratch },
  }),
  // Per request: 1000 input, 200 cached (input too) and 50 output tokens; Claude Code prices them.
  perRequest: { tokensIn: 1200, tokensOut: 50, cost: true },
  shellTool: null,
  // The write outside the checkout is refused by Claude Code; the shell was never offered, so
  // the git command was not a tool it had (no refusal, just an unknown tool).
  strayDenied: (outside) => [`Write ${outside}`],
  // Claude Code exits 1 after a 400; its own report, not its stderr, says why.
  apiError: /^attempt 1 failed: the agent exited with code 1\. Its CLI reported an error: API Error: 400 scripted model: this request is refused$/,
  writeAction: 'Write planning/architecture.md',
});
