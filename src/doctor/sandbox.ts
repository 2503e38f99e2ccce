// The sandbox of the agents that run in one (`"sandbox": "bubblewrap"`): is bwrap on PATH, and
// does it start a sandbox here (user namespaces allowed, a fresh /proc mountable)? Checked by
// starting one, as a run does before it dispatches. Only when the active agent is sandboxed
// does a problem fail doctor (no phase could start); for a spare agent it is a warning.
import { which } from '../agents/which.js';
import type { Config } from '../config/schema.js';
import { BWRAP, sandboxFix, sandboxProblem } from '../dispatch/sandbox.js';
import { passed, problem, type DoctorCheck } from './types.js';

export function checkSandbox(config: Pick<Config, 'agent' | 'agents'>): DoctorCheck[] {
  const agents = Object.entries(config.agents)
    .filter(([, agent]) => (agent.type === 'command' || agent.type === 'aider') && agent.sandbox === 'bubblewrap')
    .map(([name]) => name);
  const [first] = agents;
  if (first === undefined) return [];
  const active = agents.includes(config.agent);
  const found = sandboxProblem();
  const details = { agents, active, path: which(BWRAP, '/') ?? null, error: found === undefined ? null : found.cause === 'missing' ? `${BWRAP} is not on PATH` : found.detail };
  const named = agents.map((a) => `"${a}"`).join(', ');
  if (found === undefined) return [passed('sandbox', `bubblewrap (${details.path ?? BWRAP}) starts a sandbox here, for agent ${named}`, details)];
  const consequence = active ? 'the active agent cannot start' : 'it is not the active agent, so runs are not affected';
  const what = found.cause === 'missing' ? `${BWRAP} is not on PATH` : `${BWRAP} cannot start a sandbox here (${found.detail})`;
  return [problem('sandbox', active ? 'fail' : 'warn', `agent ${named} runs in a bubblewrap sandbox, and ${what} (${consequence})`, sandboxFix(active ? config.agent : first, found), details)];
}
