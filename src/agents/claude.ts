// Claude Code, as the `claude` CLI ships it (measured against 2.1.328 with a scripted model
// server: test/agents/). Non-interactive (`-p`), the prompt on stdin, a stream of JSON events
// on stdout (`--verbose` is required with stream-json). Permissions:
// - `--permission-mode acceptEdits` accepts Write and Edit inside the working directory (the
//   phase's checkout) and denies them outside it; it refuses anything under a `.git`
//   directory, the checkout's own included;
// - `--disallowedTools Bash` removes the shell: git commands cannot run at all. A deny rule
//   for `Bash(git commit:*)` alone lets `git -c x=y commit` and `sh -c 'git commit'` through.
// Non-essential traffic (a connectivity probe, lookups of api.anthropic.com) is off, so a run
// against ANTHROPIC_BASE_URL makes no other connection.
import type { CliAgentConfig } from '../config/schema.js';
import type { AgentAdapter, AgentContext } from './types.js';
import { cliAdapter, forRole, type CliSettings } from './cli-agent.js';

/** The arguments for one attempt: phaserunner's, then the model and extra args of the agent and of the phase's role. */
export function claudeArgs(config: CliSettings, { role }: Pick<AgentContext, 'role'>): string[] {
  return [
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--permission-mode',
    'acceptEdits',
    '--disallowedTools',
    'Bash',
    ...forRole(config, role),
  ];
}

export function claudeAdapter(name: string, config: CliAgentConfig, root: string): AgentAdapter {
  return cliAdapter(name, config, root, {
    args: claudeArgs,
    env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1' },
    stdin: true,
    output: 'claude-stream-json',
  });
}
