// The generic `command` adapter: any agent CLI described by an argv template.
import type { z } from 'zod';
import type { CommandAgentConfig } from '../config/schema.js';
import { fail } from '../failures.js';
import { expandArgv } from './template.js';
import { agentEnv, type AgentAdapter } from './types.js';
import { which } from './which.js';

export function commandAdapter(name: string, config: z.output<typeof CommandAgentConfig>, root: string): AgentAdapter {
  const program = config.argv[0] ?? '';
  return {
    name,
    preflight() {
      if (which(program, root) === undefined) fail({ reason: 'agent-unavailable', agent: name, binary: program });
    },
    invocation(context) {
      const argv = expandArgv(config.argv, context);
      // Resolve the program now: the agent runs in its worktree, where a relative path differs.
      const resolved = which(program, root) ?? program;
      return { argv: [resolved, ...argv.slice(1)], env: { ...agentEnv(context), ...(config.env ?? {}) }, stdin: config.stdin };
    },
  };
}
