// What the real agent CLIs' adapters share: finding the program before dispatch, and the model
// and extra arguments configured for the agent and for the phase's role.
import type { CliAgentConfig } from '../config/schema.js';
import type { OutputFormat } from '../dispatch/agent-output/types.js';
import { requireSandbox } from '../dispatch/sandbox.js';
import { ADAPTER_ENV } from './env-allowlist.js';
import { agentEnv, type AgentAdapter, type AgentContext } from './types.js';
import { agentProgram } from './which.js';

export type CliSettings = Omit<CliAgentConfig, 'type'>;

/**
 * The user's part of the arguments for a role's phases, after phaserunner's own: `--model`
 * (the role's over the agent's; every one of these CLIs spells it so), then the agent's extra
 * arguments, then the role's.
 */
export function forRole(config: CliSettings, role: string): string[] {
  const settings = config.roles[role];
  const model = settings?.model ?? config.model;
  return [...(model === undefined ? [] : ['--model', model]), ...config.args, ...(settings?.args ?? [])];
}

/** How one CLI is started: its arguments after the program, its environment, its JSON events. */
export interface CliShape {
  readonly args: (config: CliSettings, context: AgentContext) => string[];
  /** Set before the user's `env`, which can override any of it. */
  readonly env?: Readonly<Record<string, string>>;
  /** The prompt on stdin (else the arguments carry it). */
  readonly stdin: boolean;
  readonly output?: OutputFormat;
  /** Files in the run directory the CLI writes itself. */
  readonly runDirFiles?: (context: AgentContext) => string[];
}

export function cliAdapter(name: string, config: CliAgentConfig, root: string, shape: CliShape): AgentAdapter {
  // Only aider takes phaserunner's sandbox: the others have their own (README: Threat model).
  const sandboxed = 'sandbox' in config && config.sandbox === 'bubblewrap';
  return {
    name,
    preflight() {
      agentProgram(name, config.type, config.command, root);
      if (sandboxed) requireSandbox(name);
    },
    invocation(context: AgentContext) {
      return {
        argv: [agentProgram(name, config.type, config.command, root), ...shape.args(config, context)],
        env: { ...shape.env, ...agentEnv(context), ...config.env },
        passEnv: [...ADAPTER_ENV[config.type], ...config.pass_env],
        stdin: shape.stdin,
        ...(shape.output === undefined ? {} : { output: shape.output }),
        ...(sandboxed ? { sandbox: 'bubblewrap' as const, runDirFiles: shape.runDirFiles?.(context) ?? [] } : {}),
      };
    },
  };
}
