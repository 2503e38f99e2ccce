// aider (the Python package aider-chat; flags as of 0.86). It cannot be installed on the
// machines that test phaserunner, so only its command is tested (test/unit/agent-args.test.ts).
// - `--message-file`: the prompt file; aider does that one message and exits;
// - `--yes-always`: every confirmation (adding a named file, creating one) is answered yes;
//   shell commands still need an explicit yes, and `--no-suggest-shell-commands` stops it
//   proposing any;
// - `--no-auto-commits --no-dirty-commits`: aider commits by default; phaserunner commits;
// - its own files stay out of the checkout, where they would be changes outside the phase's
//   outputs: the chat and input histories go to the attempt's run directory,
//   `--no-gitignore` keeps it from adding `.aider*` to .gitignore, and `--map-tokens 0`
//   turns off the repository map, whose cache (`.aider.tags.cache.*`) it writes in the
//   checkout (a user who ignores `.aider*` can turn it back on in `args`);
// - `--yes-always` would also say yes to upgrading aider with pip, to analytics, and to
//   opening the release notes in a browser: the update check, analytics and release notes are
//   off, and so are model warnings (another offer to open a page), colors, streaming and the
//   interactive input (flags as read in aider's args.py, 0.86).
// aider has no sandbox of its own: unless phaserunner's is configured ("sandbox":
// "bubblewrap", dispatch/sandbox.ts), nothing but phaserunner's check of the checkout
// afterwards stops it writing elsewhere. In that sandbox its histories in the run directory
// stay writable, and its files under ~/.aider (caches, analytics, installs) do not: aider 0.86
// treats those writes as optional (each is in a try/except OSError, as read in its source).
import { join } from 'node:path';
import type { CliAgentConfig } from '../config/schema.js';
import type { AgentAdapter, AgentContext } from './types.js';
import { cliAdapter, forRole, type CliSettings } from './cli-agent.js';

const CHAT_HISTORY = 'aider.chat.history.md';
const INPUT_HISTORY = 'aider.input.history';

export function aiderArgs(config: CliSettings, context: Pick<AgentContext, 'promptFile' | 'runDir' | 'role' | 'intent'>): string[] {
  return [
    '--message-file',
    context.promptFile,
    '--yes-always',
    '--no-auto-commits',
    '--no-dirty-commits',
    '--no-suggest-shell-commands',
    '--no-auto-lint',
    '--no-gitignore',
    '--map-tokens',
    '0',
    '--chat-history-file',
    join(context.runDir, CHAT_HISTORY),
    '--input-history-file',
    join(context.runDir, INPUT_HISTORY),
    '--no-check-update',
    '--no-analytics',
    '--analytics-disable',
    '--no-show-release-notes',
    '--no-show-model-warnings',
    '--no-auto-test',
    '--no-pretty',
    '--no-stream',
    '--no-fancy-input',
    '--read',
    context.intent,
    ...forRole(config, context.role),
  ];
}

export function aiderAdapter(name: string, config: CliAgentConfig, root: string): AgentAdapter {
  return cliAdapter(name, config, root, {
    args: aiderArgs,
    stdin: false,
    runDirFiles: (context) => [join(context.runDir, CHAT_HISTORY), join(context.runDir, INPUT_HISTORY)],
  });
}
