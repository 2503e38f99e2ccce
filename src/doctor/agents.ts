// The configured agents: can each one's program be found, and which version is it? Only the
// active agent (the one "agent" names, which every phase runs) failing makes doctor fail; a
// missing spare is a warning.
import { which } from '../agents/which.js';
import { SCRIPTED } from '../agents/scripted.js';
import { detectAgentClis } from '../agent-cli/detect.js';
import { AGENT_CLIS, installHint, unavailableFix } from '../agent-cli/known.js';
import { probeVersion } from '../agent-cli/version.js';
import type { AgentConfig, Config } from '../config/schema.js';
import { CONFIG_PATH } from '../paths.js';
import { passed, problem, type AgentDetails, type DoctorCheck } from './types.js';

export async function checkAgents(config: Pick<Config, 'agent' | 'agents'>, root: string): Promise<DoctorCheck[]> {
  const names = [config.agent, ...Object.keys(config.agents).filter((n) => n !== config.agent)];
  return Promise.all(names.map((name) => checkAgent(name, config.agents[name], name === config.agent, root)));
}

async function checkAgent(name: string, agent: AgentConfig | undefined, active: boolean, root: string): Promise<DoctorCheck> {
  // Built field by field in the order the JSON shows them.
  const detailsOf = (type: string | null, program: string | null, path: string | null = null): AgentDetails => ({ agent: name, type, active, program, path, version: null, version_error: null });
  if (agent === undefined) {
    if (name === SCRIPTED) return passed('agent', 'the built-in scripted agent (deterministic demo plans)', detailsOf(SCRIPTED, null));
    // Only the active agent can be undeclared: every other name comes from "agents".
    return problem('agent', 'fail', `"agent" in ${CONFIG_PATH} is "${name}", which "agents" does not define`, `Define "${name}" under "agents" in ${CONFIG_PATH} (for example {"type": "claude"}), or set "agent" to one that is.`, detailsOf(null, null));
  }
  if (agent.type === SCRIPTED) return passed('agent', 'the built-in scripted agent (deterministic demo plans)', detailsOf(agent.type, null));
  const program = programOf(agent);
  const path = which(program, root) ?? null;
  const located = detailsOf(agent.type, program, path);
  if (path === null) {
    const level = active ? 'fail' : 'warn';
    const consequence = active ? 'no phase can run' : 'it is not the active agent, so runs are not affected';
    return problem('agent', level, `${program} was not found${program.includes('/') ? '' : ' on PATH'} (${consequence})`, unavailableFix(name, agent.type, program), located);
  }
  // A command agent's program is the user's own script: run with --version it might well
  // start working (in the repository, with no prompt). Only the known CLIs are asked.
  if (agent.type === 'command') return passed('agent', `${path} (a command agent: its version is not asked, since running it may start work)`, located);
  const probe = await probeVersion(path, root);
  const details: AgentDetails = { ...located, version: probe.version, version_error: probe.error };
  if (probe.version === null) return passed('agent', `${path}, version unknown: ${probe.error ?? ''}`, details);
  return passed('agent', `${agent.type} ${probe.version} (${path})`, details);
}

/**
 * Without definitions to name the agents (outside a repository, or before they are usable):
 * the agent CLIs on PATH, each with its version, none of them active.
 */
export async function checkInstalledClis(cwd: string): Promise<DoctorCheck[]> {
  const found = await detectAgentClis(cwd);
  if (found.length === 0) {
    const hints = AGENT_CLIS.map((type) => installHint(type)).filter((h): h is string => h !== undefined);
    return [
      problem('agent', 'warn', `no agent CLI (${AGENT_CLIS.join(', ')}) is on PATH; only the built-in scripted agent can run`, `Install one: ${hints.join('; ')}.`, {
        agent: SCRIPTED,
        type: SCRIPTED,
        active: false,
        program: null,
        path: null,
        version: null,
        version_error: null,
      }),
    ];
  }
  return found.map((cli) =>
    passed('agent', `${cli.type} ${cli.version ?? '(version unknown)'} (${cli.path})`, { agent: cli.type, type: cli.type, active: false, program: cli.type, path: cli.path, version: cli.version, version_error: null }),
  );
}

/** The program an agent starts: a command agent's first argv word; an agent CLI's `command` (default: its type's name). */
function programOf(agent: Exclude<AgentConfig, { type: 'scripted' }>): string {
  return agent.type === 'command' ? (agent.argv[0] ?? '') : agent.command;
}
