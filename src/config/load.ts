// Loading .phaserunner/config.json. Malformed files are bad data (65); a missing file means
// the repository was never initialised (78).
import { fail } from '../failures.js';
import { configFile } from '../paths.js';
import { readValidatedJson } from '../util/validate.js';
import { ConfigSchema, DEFAULT_APPROVALS, type Config } from './schema.js';

export async function loadConfig(root: string): Promise<Config> {
  const file = configFile(root);
  const config = await readValidatedJson(file, ConfigSchema, 'config');
  if (config === undefined) fail({ reason: 'not-initialized', configFile: file });
  return config;
}

/** The config a fresh `init` writes: only what the user chose, defaults stay implicit. */
export function initialConfig(base: string, agent: string): Record<string, unknown> {
  return {
    version: 1,
    base,
    agent,
    max_attempts: 3,
    approvals: [...DEFAULT_APPROVALS],
    timeouts: { phase_minutes: 30 },
  };
}
