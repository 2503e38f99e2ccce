// The built-in scripted agent: a real separate process (dist/scripted-agent/main.js) that
// writes deterministic artifacts from INTENT.md, or misbehaves on purpose when configured to.
import { existsSync } from 'node:fs';
import type { z } from 'zod';
import type { ScriptedAgentConfig, ScriptedBehavior } from '../config/schema.js';
import { fail } from '../failures.js';
import { SCRIPTED_AGENT_SCRIPT } from '../paths.js';
import { agentEnv, type AgentAdapter } from './types.js';

export const SCRIPTED = 'scripted';

/** The behavior for a phase's attempt: per-attempt lists repeat their last entry. */
export function behaviorFor(
  config: z.output<typeof ScriptedAgentConfig>,
  phase: number,
  attempt: number,
): ScriptedBehavior {
  const entry = config.behaviors?.[String(phase)];
  if (entry === undefined) return 'ok';
  if (typeof entry === 'string') return entry;
  return entry[Math.min(attempt, entry.length) - 1] ?? 'ok';
}

export function scriptedAdapter(name: string, config: z.output<typeof ScriptedAgentConfig>): AgentAdapter {
  return {
    name,
    preflight() {
      if (!existsSync(SCRIPTED_AGENT_SCRIPT)) {
        fail({ reason: 'agent-unavailable', agent: name, type: SCRIPTED, binary: SCRIPTED_AGENT_SCRIPT });
      }
    },
    invocation(context) {
      const argv = [
        process.execPath,
        SCRIPTED_AGENT_SCRIPT,
        '--phase',
        String(context.phase),
        '--behavior',
        behaviorFor(config, context.phase, context.attempt),
        '--delay-ms',
        String(config.delay_ms ?? 0),
      ];
      return { argv, env: agentEnv(context), passEnv: [], stdin: true };
    },
  };
}
