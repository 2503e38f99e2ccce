// Which agent CLIs are installed: each known one looked up on PATH the way a shell would,
// and asked for its version (in parallel: each may take up to the probe's timeout).
import { which } from '../agents/which.js';
import { AGENT_CLIS, type AgentCli } from './known.js';
import { probeVersion } from './version.js';

export interface DetectedCli {
  readonly type: AgentCli;
  /** Absolute path of the program found. */
  readonly path: string;
  /** Its version, or null when `--version` did not give one. */
  readonly version: string | null;
}

/** The installed agent CLIs, in AGENT_CLIS order (the order of preference). */
export async function detectAgentClis(cwd: string): Promise<DetectedCli[]> {
  const found = AGENT_CLIS.flatMap((type) => {
    const path = which(type, cwd);
    return path === undefined ? [] : [{ type, path }];
  });
  return Promise.all(found.map(async ({ type, path }) => ({ type, path, version: (await probeVersion(path, cwd)).version })));
}

/** The CLI to propose: the first one found, in order of preference. */
export function proposedAgent(detected: readonly DetectedCli[]): AgentCli | null {
  return detected[0]?.type ?? null;
}
