// `init --force` over an existing .phaserunner/config.json: the user's settings are kept and
// only what the flags say changes (the base, the agent, and a declaration of the chosen agent
// CLI when `agents` has none). A config that cannot be read or is not valid is refused (65)
// rather than overwritten: it holds settings a rewrite would silently lose, and the error
// names the file and every problem, so the user fixes it (or deletes it to start afresh).
import { ConfigSchema, type Config } from '../config/schema.js';
import { CONFIG_SCHEMA_REF } from '../paths.js';
import { readSource } from '../util/sources.js';
import { parseJsonText, unreadable, validateData } from '../util/validate.js';

export interface ExistingConfig {
  /** As the user wrote it: what `init --force` writes back, changed only where the flags say. */
  readonly raw: Readonly<Record<string, unknown>>;
  /** The same, validated (defaults filled in): which agents it declares. */
  readonly config: Config;
}

/** The config at `file`, validated; undefined when there is none. */
export function readExistingConfig(file: string): ExistingConfig | undefined {
  const source = readSource(file);
  if (source === undefined) return undefined;
  if ('error' in source) return unreadable(file, 'config', source.error);
  const data = parseJsonText(source.text, file, 'config');
  const config = validateData(data, ConfigSchema, file, 'config');
  // The schema is a strict object, so what validated is a plain object.
  return { raw: data as Record<string, unknown>, config };
}

export interface ConfigChanges {
  readonly base: string;
  readonly agent: string;
  /** Added under `agents` as `{[agent]: declaration}` unless `agents` already has that name. */
  readonly declaration: Readonly<Record<string, unknown>> | undefined;
}

/**
 * The user's config with the changes applied. Keys keep the user's order; a key the config
 * did not have goes where a fresh `init` puts it (`$schema` first, `agents` after `agent`).
 * A `$schema` the user set is theirs and kept.
 */
export function updatedConfig(raw: Readonly<Record<string, unknown>>, changes: ConfigChanges): Record<string, unknown> {
  const out: Record<string, unknown> = '$schema' in raw ? { ...raw } : { $schema: CONFIG_SCHEMA_REF, ...raw };
  // Both are required fields, so assigning keeps their place.
  out['base'] = changes.base;
  out['agent'] = changes.agent;
  if (changes.declaration === undefined) return out;
  const agents = raw['agents'] as Readonly<Record<string, unknown>> | undefined;
  if (agents === undefined) return insertAfter(out, 'agent', 'agents', { [changes.agent]: changes.declaration });
  if (!Object.hasOwn(agents, changes.agent)) out['agents'] = { ...agents, [changes.agent]: changes.declaration };
  return out;
}

function insertAfter(object: Readonly<Record<string, unknown>>, after: string, key: string, value: unknown): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(object)) {
    out[k] = v;
    if (k === after) out[key] = value;
  }
  return out;
}
