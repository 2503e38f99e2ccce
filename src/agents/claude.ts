// Claude Code, as the `claude` CLI ships it (measured against 2.1.328 with a scripted model
// server: test/agents/). Non-interactive (`-p`), the prompt on stdin, a stream of JSON events
// on stdout (`--verbose` is required with stream-json). Permissions:
// - `--permission-mode acceptEdits` accepts Write and Edit inside the working directory (the
//   phase's checkout) and denies them outside it;
// - `--disallowedTools Bash` removes the shell: git commands cannot run at all. A deny rule
//   for `Bash(git commit:*)` alone lets `git -c x=y commit` and `sh -c 'git commit'` through.
// Non-essential traffic (a connectivity probe, lookups of api.anthropic.com) is off, so a run
// against ANTHROPIC_BASE_URL makes no other connection.
import type { z } from 'zod';
import type { ClaudeAgentConfig } from '../config/schema.js';
import { fail } from '../failures.js';
import { agentEnv, type AgentAdapter, type AgentContext } from './types.js';
import { which } from './which.js';

type Config = z.output<typeof ClaudeAgentConfig>;

/** The arguments for one attempt: phaserunner's, then the model and extra args of the agent and of the phase's role. */
export function claudeArgs(config: Config, role: string): string[] {
  const forRole = config.roles[role];
  const model = forRole?.model ?? config.model;
  return [
    '-p',
    '--output-format',
    'stream-json',
    '--verbose',
    '--permission-mode',
    'acceptEdits',
    '--disallowedTools',
    'Bash',
    ...(model === undefined ? [] : ['--model', model]),
    ...config.args,
    ...(forRole?.args ?? []),
  ];
}

export function claudeAdapter(name: string, config: Config, root: string): AgentAdapter {
  return {
    name,
    preflight() {
      if (which(config.command, root) === undefined) fail({ reason: 'agent-unavailable', agent: name, binary: config.command });
    },
    invocation(context: AgentContext) {
      const program = which(config.command, root) ?? config.command;
      return {
        argv: [program, ...claudeArgs(config, context.role)],
        env: { CLAUDE_CODE_DISABLE_NONESSENTIAL_TRAFFIC: '1', ...agentEnv(context), ...(config.env ?? {}) },
        stdin: true,
        output: 'claude-stream-json',
      };
    },
  };
}
