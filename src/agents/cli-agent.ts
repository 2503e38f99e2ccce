// What the real agent CLIs' adapters share: finding the program before dispatch, and the model
// and extra arguments configured for the agent and for the phase's role.
import type { CliAgentConfig } from '../config/schema.js';
import { fail } from '../failures.js';
import type { OutputFormat } from '../dispatch/agent-output/types.js';
import { agentEnv, type AgentAdapter, type AgentContext } from './types.js';
import { which } from './which.js';

export type CliSettings = Omit<CliAgentConfig, 'type'>;

/** The model for a role's phases (the role's over the agent's), and the user's extra arguments (the agent's, then the role's). */
export function forRole(config: CliSettings, role: string): { readonly model: string | undefined; readonly extra: readonly string[] } {
  const settings = config.roles[role];
  return { model: settings?.model ?? config.model, extra: [...config.args, ...(settings?.args ?? [])] };
}

/** How one CLI is started: its arguments after the program, its environment, its JSON events. */
export interface CliShape {
  readonly args: (config: CliSettings, context: AgentContext) => string[];
  /** Set before the user's `env`, which can override any of it. */
  readonly env?: Readonly<Record<string, string>>;
  /** The prompt on stdin (else the arguments carry it). */
  readonly stdin: boolean;
  readonly output?: OutputFormat;
}

export function cliAdapter(name: string, config: CliSettings, root: string, shape: CliShape): AgentAdapter {
  return {
    name,
    preflight() {
      if (which(config.command, root) === undefined) fail({ reason: 'agent-unavailable', agent: name, binary: config.command });
    },
    invocation(context: AgentContext) {
      const program = which(config.command, root) ?? config.command;
      return {
        argv: [program, ...shape.args(config, context)],
        env: { ...shape.env, ...agentEnv(context), ...config.env },
        stdin: shape.stdin,
        ...(shape.output === undefined ? {} : { output: shape.output }),
      };
    },
  };
}
