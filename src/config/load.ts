// Loading .phaserunner/config.json. Malformed files are bad data (65); a missing file means
// the repository was never initialised (78).
import { fail } from '../failures.js';
import { CONFIG_SCHEMA_REF } from '../paths.js';
import type { Source } from '../util/sources.js';
import { parseJsonText, unreadable, validateData } from '../util/validate.js';
import { ConfigSchema, DEFAULT_APPROVALS, type Config } from './schema.js';

/** Validates the config file's text already read (undefined: there is no config file). */
export function configFrom(source: Source | undefined, file: string): Config {
  if (source === undefined) return fail({ reason: 'not-initialized', configFile: file });
  if ('error' in source) return unreadable(file, 'config', source.error);
  return validateData(parseJsonText(source.text, file, 'config'), ConfigSchema, file, 'config');
}

/**
 * The config a fresh `init` writes: only what the user chose, defaults stay implicit. Its
 * `$schema` names the copy of the schema `init` writes next to it.
 */
export function initialConfig(base: string, agent: string, agents?: Record<string, unknown>): Record<string, unknown> {
  return {
    $schema: CONFIG_SCHEMA_REF,
    version: 1,
    base,
    agent,
    ...(agents === undefined ? {} : { agents }),
    max_attempts: 3,
    approvals: [...DEFAULT_APPROVALS],
    timeouts: { phase_minutes: 30 },
  };
}
