// Repository, config and phase definitions: what every verb needs first. Validating them
// loads zod, which costs more start-up than a read-only verb like `status` may spend in all
// (docs/performance.md). So the validated result is cached in the state directory, keyed by
// a hash of this build of phaserunner and of every definition file's path and text: a
// change to any of them, or to phaserunner itself, validates again. Only what validated
// is cached, so a cached result is exactly what validation would return now.
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createHash } from 'node:crypto';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { fail } from '../failures.js';
import { discoverRepo, hasCommits, type RepoPaths } from '../git/repo.js';
import type { LoadedGate, LoadedPhase, PhaseSet } from '../phases/load.js';
import { BUILTIN_PHASES_DIR, configFile, overridePhasesDir, statePaths, type StatePaths } from '../paths.js';
import { readJsonDir, readSource, type Source, type SourceDir } from '../util/sources.js';

export interface Definitions {
  readonly repo: RepoPaths;
  readonly state: StatePaths;
  readonly config: Config;
  readonly phases: PhaseSet;
  /** Set when these definitions were validated but not cached (no state directory yet): see saveDefinitions. */
  readonly unsaved?: { readonly file: string; readonly key: string };
}

export interface DefinitionSources {
  readonly config: Source | undefined;
  readonly phaseDirs: readonly SourceDir[];
}

/** Bumped when the cache file's layout changes. */
const CACHE_FORMAT = 1;

export async function openDefinitions(cwd: string): Promise<Definitions> {
  const repo = await discoverRepo(cwd);
  if (!(await hasCommits(repo.root))) fail({ reason: 'no-commits', dir: repo.root });
  const state = statePaths(repo.commonDir);
  const sources: DefinitionSources = {
    config: readSource(configFile(repo.root)),
    phaseDirs: [readJsonDir(BUILTIN_PHASES_DIR), readJsonDir(overridePhasesDir(repo.root))],
  };
  const file = join(state.dir, 'definitions.cache.json');
  const key = cacheKey(sources);
  const cached = key === undefined ? undefined : readCache(file, key);
  if (cached !== undefined) return { repo, state, ...cached };
  const { validateDefinitions } = await import('./validate-definitions.js');
  const validated = validateDefinitions(repo.root, sources);
  if (key === undefined) return { repo, state, ...validated };
  // Never creates the state directory: a read-only verb before the first run leaves no trace,
  // and a run saves them once it has created it (saveDefinitions).
  if (existsSync(state.dir)) {
    writeCache(file, key, validated);
    return { repo, state, ...validated };
  }
  return { repo, state, ...validated, unsaved: { file, key } };
}

/** Caches definitions validated before the state directory existed; call once it does. */
export function saveDefinitions(defs: Definitions): void {
  if (defs.unsaved !== undefined) writeCache(defs.unsaved.file, defs.unsaved.key, defs);
}

/** The build's id, written by `npm run build` (scripts/build-id.mjs); without one nothing is cached. */
let buildId: string | null | undefined;
function currentBuildId(): string | null {
  if (buildId === undefined) {
    try {
      buildId = (JSON.parse(readFileSync(new URL('../build-id.json', import.meta.url), 'utf8')) as { id?: unknown }).id as string;
      if (typeof buildId !== 'string' || buildId === '') buildId = null;
    } catch {
      buildId = null;
    }
  }
  return buildId;
}

/** Undefined when there is nothing safe to key: no build id, or a file that could not be read (validation reports it). */
function cacheKey(sources: DefinitionSources): string | undefined {
  const id = currentBuildId();
  if (id === null) return undefined;
  const hash = createHash('sha256').update(`${CACHE_FORMAT}\0${id}\0`);
  const add = (source: Source | undefined, name: string): boolean => {
    if (source === undefined) {
      hash.update(`missing\0${name}\0`);
      return true;
    }
    if ('error' in source) return false;
    hash.update(`${source.file}\0${source.text.length}\0${source.text}\0`);
    return true;
  };
  if (!add(sources.config, 'config')) return undefined;
  for (const dir of sources.phaseDirs) {
    if (dir.error !== undefined) return undefined;
    hash.update(`dir\0${dir.dir}\0${dir.files.length}\0`);
    for (const source of dir.files) if (!add(source, source.file)) return undefined;
  }
  return hash.digest('hex');
}

interface CacheFile {
  readonly key: string;
  readonly config: Config;
  readonly phases: readonly LoadedPhase[];
  readonly gates: readonly (readonly [string, LoadedGate])[];
}

function readCache(file: string, key: string): Pick<Definitions, 'config' | 'phases'> | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (data.key !== key || data.config === undefined || !Array.isArray(data.phases) || !Array.isArray(data.gates)) return undefined;
    return { config: data.config, phases: { phases: data.phases, gates: new Map(data.gates) } };
  } catch {
    // Missing, torn by a crash, or not ours: validate as if there were no cache.
    return undefined;
  }
}

/** Best effort: a cache that cannot be written (a read-only disk) only costs the next start. */
function writeCache(file: string, key: string, defs: Pick<Definitions, 'config' | 'phases'>): void {
  const data: CacheFile = { key, config: defs.config, phases: defs.phases.phases, gates: [...defs.phases.gates] };
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // No fsync: a cache lost or torn in a power cut is only a miss (see readCache).
    writeFileSync(tmp, JSON.stringify(data));
    renameSync(tmp, file);
  } catch {
    // Ignored, as above.
  }
}
