// The agent CLIs phaserunner has an adapter type for, in the order `init` proposes them, and
// how each is installed: doctor and init name the exact command instead of "install it".
// (The adapters themselves live in src/agents/; this is only what a person needs to get one.)

import type { CliAgentConfig } from '../config/schema.js';

/** Every agent type that is a real CLI (the config schema's): INFO must name each one. */
export type AgentCli = CliAgentConfig['type'];

interface CliInfo {
  /** The product's name, for people. */
  readonly title: string;
  /** The install command(s), alternatives joined by " or ". */
  readonly install: string;
}

const INFO: Record<AgentCli, CliInfo> = {
  claude: { title: 'Claude Code', install: '`npm install -g @anthropic-ai/claude-code`' },
  codex: { title: 'Codex CLI', install: '`npm install -g @openai/codex`' },
  gemini: { title: 'Gemini CLI', install: '`npm install -g @google/gemini-cli`' },
  aider: { title: 'Aider', install: '`python -m pip install aider-install && aider-install` or `pipx install aider-chat`' },
};

/** In the order `init` proposes them. */
export const AGENT_CLIS = Object.keys(INFO) as readonly AgentCli[];

export function isAgentCli(name: string): name is AgentCli {
  return (AGENT_CLIS as readonly string[]).includes(name);
}

/** "Claude Code: `npm install -g @anthropic-ai/claude-code`", or undefined for a type with no known installer. */
export function installHint(type: string): string | undefined {
  if (!isAgentCli(type)) return undefined;
  const info = INFO[type];
  return `${info.title}: ${info.install}`;
}

/**
 * What to do when an agent's program is missing. `type` is the agent's adapter type: a known
 * CLI gets its install command; a command agent is told about its argv, the others about
 * their "command".
 */
export function unavailableFix(agent: string, type: string, program: string): string {
  if (type === 'scripted') return `The scripted agent's program ${program} is missing: reinstall phaserunner (in its own checkout, \`npm run build\`).`;
  if (type === 'command') return `Install ${program} or put it on PATH, or change "argv" of agent "${agent}" in .phaserunner/config.json.`;
  const hint = installHint(type);
  const elsewhere = `set "command" of agent "${agent}" in .phaserunner/config.json to its path`;
  return hint === undefined ? `Put ${program} on PATH, or ${elsewhere}.` : `Install ${hint}; or, if it is installed elsewhere, ${elsewhere}.`;
}
