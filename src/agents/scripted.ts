// The built-in scripted agent: a real separate process (dist/scripted-agent/main.js) that
// writes deterministic artifacts from INTENT.md for a planning phase, or implements one task of
// the plan for the execution workstream; or misbehaves on purpose when configured to.
import { existsSync } from 'node:fs';
import type { z } from 'zod';
import type { ScriptedAgentConfig, ScriptedBehavior } from '../config/schema.js';
import { fail } from '../failures.js';
import { SCRIPTED_AGENT_SCRIPT } from '../paths.js';
import { ADAPTER_ENV } from './env-allowlist.js';
import { agentEnv, DEFAULT_WORKSTREAM, type AgentAdapter, type AgentContext } from './types.js';

export const SCRIPTED = 'scripted';

/**
 * The behavior for an attempt, from `behaviors` keyed by the step's id: the task's id for a task
 * (`"T-003"`), else the phase's number (`"2"`). Per-attempt lists repeat their last entry.
 */
export function behaviorFor(
  config: z.output<typeof ScriptedAgentConfig>,
  step: Pick<AgentContext, 'phase' | 'task' | 'attempt'>,
): ScriptedBehavior {
  const entry = config.behaviors?.[step.task ?? String(step.phase)];
  if (entry === undefined) return 'ok';
  if (typeof entry === 'string') return entry;
  return entry[Math.min(step.attempt, entry.length) - 1] ?? 'ok';
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
      // The step on the command line too (the agent reads the same from its environment), so
      // dispatch.json says which step the agent was told to do.
      const step = context.task === undefined ? ['--phase', String(context.phase)] : ['--task', context.task];
      const argv = [
        process.execPath,
        SCRIPTED_AGENT_SCRIPT,
        '--workstream',
        context.workstream ?? DEFAULT_WORKSTREAM,
        ...step,
        '--behavior',
        behaviorFor(config, context),
        '--delay-ms',
        String(config.delay_ms ?? 0),
      ];
      // PHASERUNNER_TEST_RELEASE_DIR, when a test sets it: behavior wait-release waits for a file there.
      return { argv, env: agentEnv(context), passEnv: ADAPTER_ENV.scripted, stdin: true };
    },
  };
}
