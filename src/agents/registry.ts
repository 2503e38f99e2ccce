// Resolving the configured agent name to an adapter.
import type { Config } from '../config/schema.js';
import { fail, unreachable } from '../failures.js';
import { aiderAdapter } from './aider.js';
import { claudeAdapter } from './claude.js';
import { codexAdapter } from './codex.js';
import { geminiAdapter } from './gemini.js';
import { commandAdapter } from './command.js';
import { SCRIPTED, scriptedAdapter } from './scripted.js';
import type { AgentAdapter } from './types.js';

/** Agent names usable without declaring them under `agents`. */
export const BUILTIN_AGENTS = [SCRIPTED] as const;

export function knownAgents(config: Pick<Config, 'agents'>): string[] {
  return [...new Set([...BUILTIN_AGENTS, ...Object.keys(config.agents)])].sort();
}

/** The adapter for `name`; fails with unknown-agent when config does not define it. */
export function resolveAgent(config: Pick<Config, 'agents'>, name: string, root: string, where: string): AgentAdapter {
  const declared = config.agents[name];
  if (declared === undefined) {
    if (name === SCRIPTED) return scriptedAdapter(name, { type: 'scripted' });
    return fail({ reason: 'unknown-agent', agent: name, known: knownAgents(config), where });
  }
  switch (declared.type) {
    case 'scripted':
      return scriptedAdapter(name, declared);
    case 'command':
      return commandAdapter(name, declared, root);
    case 'claude':
      return claudeAdapter(name, declared, root);
    case 'codex':
      return codexAdapter(name, declared, root);
    case 'gemini':
      return geminiAdapter(name, declared, root);
    case 'aider':
      return aiderAdapter(name, declared, root);
    default:
      return unreachable(declared);
  }
}
