// The configured agents: can each one's program be found, and which version is it? Only the
// active agent (the one "agent" names, which every phase runs) failing makes doctor fail; a
// missing spare is a warning.
import { which } from '../agents/which.js';
import { SCRIPTED } from '../agents/scripted.js';
import { unavailableFix } from '../agent-cli/known.js';
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

/** The program an agent starts: a command agent's first argv word; an agent CLI's `command` (default: its type's name). */
function programOf(agent: Exclude<AgentConfig, { type: 'scripted' }>): string {
  return agent.type === 'command' ? (agent.argv[0] ?? '') : agent.command;
}
