// Validation of the definition files already read (zod): loaded only when the cache in
// definitions.ts has no answer, so a verb that finds one never pays for zod.
import { configFrom } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { fail } from '../failures.js';
import { phaseSetFrom, type PhaseSet } from '../phases/load.js';
import { configFile } from '../paths.js';
import type { DefinitionSources } from './definitions.js';

export function validateDefinitions(root: string, sources: DefinitionSources): { config: Config; phases: PhaseSet } {
  const config = configFrom(sources.config, configFile(root));
  const phases = phaseSetFrom(sources.phaseDirs);
  const ids = phases.phases.map((p) => p.def.id);
  const unknown = config.approvals.flatMap((phase, i) => (ids.includes(phase) ? [] : [{ path: `approvals[${i}]`, message: `there is no phase ${phase}; the phases are ${ids.join(', ')}` }]));
  if (unknown.length > 0) fail({ reason: 'invalid-data', file: configFile(root), kind: 'config', issues: unknown });
  return { config, phases };
}
