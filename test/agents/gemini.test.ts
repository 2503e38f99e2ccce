// Gemini CLI against a scripted Gemini API server (models/gemini.ts): see suite.ts.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { startGeminiModel } from './models/gemini.js';
import { agentSuite } from './suite.js';

/** A Gemini CLI home of the test's own: API-key auth (else, with a base URL, it picks an auth headless mode refuses), no usage statistics. */
function geminiHome(scratch: string): string {
  mkdirSync(join(scratch, '.gemini'), { recursive: true });
  writeFileSync(
    join(scratch, '.gemini', 'settings.json'),
    JSON.stringify({
      security: { auth: { selectedType: 'gemini-api-key' } },
      privacy: { usageStatisticsEnabled: false },
      telemetry: { enabled: false },
      general: { enableAutoUpdate: false, enableAutoUpdateNotification: false },
      // Extra model requests (is the turn over? is it looping?) the scripted model does not play.
      model: { skipNextSpeakerCheck: true, disableLoopDetection: true },
    }),
  );
  return scratch;
}

agentSuite({
  type: 'gemini',
  start: startGeminiModel,
  settings: (server, scratch) => ({
    // An explicit model: without one, Gemini CLI first asks a router model which to use.
    model: 'gemini-2.5-flash',
    env: { GOOGLE_GEMINI_BASE_URL: server.url, GEMINI_API_KEY: 'test-key', GEMINI_CLI_HOME: geminiHome(scratch), TMPDIR: scratch },
  }),
  perRequest: { tokensIn: 1000, tokensOut: 50, cost: false },
  shellTool: null,
  // Both refused by Gemini CLI: the path is outside its workspace, and the policy removed the shell.
  strayDenied: (outside) => [`write_file ${outside}`, 'run_shell_command git add -A && git commit -m "agent commit"'],
  // Gemini CLI exits with the HTTP status modulo 256 (400 → 144).
  apiError: /^attempt 1 failed: the agent exited with code 144\. Its CLI reported an error: .*scripted model: this request is refused/,
  writeAction: 'write_file planning/architecture.md',
});
