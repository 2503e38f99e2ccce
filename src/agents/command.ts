// The generic `command` adapter: any agent CLI described by an argv template.
import type { z } from 'zod';
import type { CommandAgentConfig } from '../config/schema.js';
import { requireSandbox } from '../dispatch/sandbox.js';
import { expandArgv } from './template.js';
import { agentEnv, type AgentAdapter } from './types.js';
import { agentProgram } from './which.js';

export function commandAdapter(name: string, config: z.output<typeof CommandAgentConfig>, root: string): AgentAdapter {
  const program = config.argv[0] ?? '';
  return {
    name,
    preflight() {
      agentProgram(name, 'command', program, root);
      if (config.sandbox === 'bubblewrap') requireSandbox(name);
    },
    invocation(context) {
      const argv = expandArgv(config.argv, context);
      return {
        argv: [agentProgram(name, 'command', program, root), ...argv.slice(1)],
        env: { ...agentEnv(context), ...(config.env ?? {}) },
        // Only the common allowlist (env-allowlist.ts), and what the config passes on top.
        passEnv: config.pass_env,
        stdin: config.stdin,
        ...(config.sandbox === 'bubblewrap' ? { sandbox: 'bubblewrap' as const } : {}),
      };
    },
  };
}
