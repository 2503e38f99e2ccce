// Loads phase and gate definitions: the built-in ones, then the repository's overrides
// (.phaserunner/phases/), which replace a built-in phase with the same id or add new ones.
import { fail, type Issue } from '../failures.js';
import { readJsonDir, type SourceDir } from '../util/sources.js';
import { issuesOf, parseJsonText, unreadable } from '../util/validate.js';
import {
  GateDefinitionSchema,
  PhaseDefinitionSchema,
  PROMPT_PLACEHOLDERS,
  type GateDefinition,
  type PhaseDefinition,
} from './schema.js';

export interface LoadedPhase {
  readonly def: PhaseDefinition;
  readonly file: string;
}

export interface LoadedGate {
  readonly def: GateDefinition;
  readonly file: string;
}

export interface PhaseSet {
  /** Sorted by id. */
  readonly phases: readonly LoadedPhase[];
  readonly gates: ReadonlyMap<string, LoadedGate>;
}

const GATE_SUFFIX = '.gate.json';

/** Reads the built-in definitions, then the overrides directory when given. */
export function loadPhaseSet(builtinDir: string, overrideDir?: string): PhaseSet {
  return phaseSetFrom((overrideDir === undefined ? [builtinDir] : [builtinDir, overrideDir]).map(readJsonDir));
}

/** Validates definitions already read: the built-in directory, then the overrides. */
export function phaseSetFrom(dirs: readonly SourceDir[]): PhaseSet {
  const phases = new Map<number, LoadedPhase>();
  const gates = new Map<string, LoadedGate>();
  for (const dir of dirs) {
    if (dir.error !== undefined) unreadable(dir.dir, 'directory', dir.error);
    const seenPhases = new Map<number, string>();
    const seenGates = new Map<string, string>();
    for (const source of dir.files) {
      const file = source.file;
      const kind = file.endsWith(GATE_SUFFIX) ? 'gate definition' : 'phase definition';
      // Listed, then not readable: a missing file here is a dangling symlink, unreadable too.
      if ('error' in source) unreadable(file, kind, source.error, true);
      const data = parseJsonText(source.text, file, kind);
      if (file.endsWith(GATE_SUFFIX)) {
        const def = parseDefinition(GateDefinitionSchema, data, file, 'gate definition');
        const other = seenGates.get(def.gate);
        if (other !== undefined) duplicate(file, 'gate', `gate "${def.gate}" is also defined in ${other}`, 'gate definition');
        seenGates.set(def.gate, file);
        gates.set(def.gate, { def, file });
      } else {
        const def = parseDefinition(PhaseDefinitionSchema, data, file, 'phase definition');
        const other = seenPhases.get(def.id);
        if (other !== undefined) duplicate(file, 'id', `phase ${def.id} is also defined in ${other}`, 'phase definition');
        checkPlaceholders(def, file);
        seenPhases.set(def.id, file);
        phases.set(def.id, { def, file });
      }
    }
  }
  const sorted = [...phases.values()].sort((a, b) => a.def.id - b.def.id);
  checkUniqueNames(sorted);
  return { phases: sorted, gates };
}

function parseDefinition<T>(
  schema: { safeParse(data: unknown): { success: true; data: T } | { success: false; error: import('zod').ZodError } },
  data: unknown,
  file: string,
  kind: 'phase definition' | 'gate definition',
): T {
  const result = schema.safeParse(data);
  if (!result.success) fail({ reason: 'invalid-data', file, kind, issues: issuesOf(result.error) });
  return result.data;
}

function duplicate(file: string, path: string, message: string, kind: 'phase definition' | 'gate definition'): never {
  return fail({ reason: 'invalid-data', file, kind, issues: [{ path, message }] });
}

/** A typo in a placeholder would otherwise reach the agent as literal braces. */
function checkPlaceholders(def: PhaseDefinition, file: string): void {
  const known = new Set<string>(PROMPT_PLACEHOLDERS);
  const issues: Issue[] = [];
  for (const match of def.prompt.matchAll(/\{\{\s*([^}]*?)\s*\}\}/g)) {
    const name = match[1] ?? '';
    if (!known.has(name)) {
      issues.push({
        path: 'prompt',
        message: `unknown placeholder {{${name}}}; known: ${PROMPT_PLACEHOLDERS.map((p) => `{{${p}}}`).join(' ')}`,
      });
    }
  }
  if (issues.length > 0) fail({ reason: 'invalid-data', file, kind: 'phase definition', issues });
}

/** Phase names become branch names; two phases with one name would share a branch. */
function checkUniqueNames(phases: readonly LoadedPhase[]): void {
  const byName = new Map<string, LoadedPhase>();
  for (const phase of phases) {
    const other = byName.get(phase.def.name);
    if (other !== undefined) {
      duplicate(phase.file, 'name', `name "${phase.def.name}" is also used by phase ${other.def.id} (${other.file})`, 'phase definition');
    }
    byName.set(phase.def.name, phase);
  }
}
