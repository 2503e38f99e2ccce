// The agent CLIs phaserunner has an adapter type for, in the order `init` proposes them, and
// how each is installed: doctor and init name the exact command instead of "install it".
// (The adapters themselves live in src/agents/; this is only what a person needs to get one.)

export const AGENT_CLIS = ['claude', 'codex', 'gemini', 'aider'] as const;
export type AgentCli = (typeof AGENT_CLIS)[number];

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

export function isAgentCli(name: string): name is AgentCli {
  return (AGENT_CLIS as readonly string[]).includes(name);
}

/** "Claude Code: `npm install -g @anthropic-ai/claude-code`", or undefined for a type with no known installer. */
export function installHint(type: string): string | undefined {
  if (!isAgentCli(type)) return undefined;
  const info = INFO[type];
  return `${info.title}: ${info.install}`;
}
