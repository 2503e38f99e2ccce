// Validation of the definition files already read (zod): loaded only when the cache in
// cache.ts has no answer, so a verb that finds one never pays for zod.
import { configFrom } from '../config/load.js';
import { ConfigSchema, type Config } from '../config/schema.js';
import { fail, type Issue } from '../failures.js';
import { phaseSetFrom, type PhaseSet } from '../phases/load.js';
import type { Source, SourceDir } from '../util/sources.js';

export interface DefinitionSources {
  /** The config file as read, or undefined when the commit has none. */
  readonly config: Source | undefined;
  /** The built-in phases' directory, then the repository's overrides. */
  readonly phaseDirs: readonly SourceDir[];
}

export interface Validated {
  readonly config: Config;
  readonly phases: PhaseSet;
  /** False when no config is committed: the built-in defaults stand in (the read-only verbs). */
  readonly configured: boolean;
}

/**
 * Validates definitions read from the base branch `base`, which a config must name (a config
 * names the branch it is committed on); `base` undefined when read from an older commit, where
 * the branch may have had another name. Without a config file, the built-in defaults.
 */
export function validateDefinitions(sources: DefinitionSources, base: string | undefined, defaultBase: string, configName: string): Validated {
  const configured = sources.config !== undefined;
  const config = configured ? configFrom(sources.config, configName) : ConfigSchema.parse({ version: 1, base: defaultBase, agent: 'scripted' });
  const phases = phaseSetFrom(sources.phaseDirs);
  const ids = phases.phases.map((p) => p.def.id);
  const issues: Issue[] = config.approvals.flatMap((phase, i) => (ids.includes(phase) ? [] : [{ path: `approvals[${i}]`, message: `there is no phase ${phase}; the phases are ${ids.join(', ')}` }]));
  if (base !== undefined && config.base !== base) {
    issues.push({ path: 'base', message: `is "${config.base}", but this config is committed on branch "${base}": a config names the branch it is committed on (merge it there, or set "base" to "${base}")` });
  }
  if (issues.length > 0) fail({ reason: 'invalid-data', file: configName, kind: 'config', issues });
  return { config, phases, configured };
}
