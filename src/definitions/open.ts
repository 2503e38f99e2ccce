// Repository, config and phase definitions: what every verb needs first. One rule governs
// them all: the definitions are what the base branch has committed (config, phase overrides
// and, read at dispatch, INTENT.md), not whatever the working tree holds. A teammate's clone,
// a CI checkout and the audit therefore see exactly what the runner followed; a working tree
// that differs is refused by the verbs that act (see uncommitted.ts), never silently used.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../failures.js';
import { discoverRepo, hasCommits, type RepoPaths } from '../git/repo.js';
import { BUILTIN_PHASES_DIR, CONFIG_PATH, configFile, statePaths, type StatePaths } from '../paths.js';
import { readJsonDir, readSource } from '../util/sources.js';
import { findGoverning, type Governing } from './base.js';
import { cacheKey, readCache, writeCache } from './cache.js';
import { definitionFilesAt, gitFileName, readDefinitionFiles, type DefinitionFiles } from './git-files.js';
import type { Validated } from './validate.js';

export interface Definitions extends Validated {
  readonly repo: RepoPaths;
  readonly state: StatePaths;
  /** Where the definitions were read: the base branch and its commit. */
  readonly governing: Governing;
  /** Set when these were validated but could not be cached (no state directory yet): see saveDefinitions. */
  readonly unsaved?: { readonly file: string; readonly key: string };
}

/**
 * What the definitions are opened for:
 * - `act`: a verb that dispatches, commits or merges. The base branch must exist locally and
 *   have a config committed; the definitions are validated every time.
 * - `view`: status, log, show. Works on a bare repository, on a clone without the local
 *   branch (origin's is read), and where nothing is set up (the built-in definitions);
 *   validated definitions are cached (cache.ts).
 * - `audit`: as `view`, validated every time.
 */
export type Purpose = 'act' | 'view' | 'audit';

export async function openDefinitions(cwd: string, purpose: Purpose = 'view'): Promise<Definitions> {
  const acting = purpose === 'act';
  const repo = await discoverRepo(cwd, { bare: !acting });
  const state = statePaths(repo.commonDir);
  const governing = await findGoverning(repo, { remote: !acting });
  const builtin = readJsonDir(BUILTIN_PHASES_DIR);
  const files: DefinitionFiles =
    governing.commit === null
      ? { commit: '', label: governing.base, config: undefined, phases: [] }
      : await definitionFilesAt(repo.root, governing.commit, governing.ref === `refs/heads/${governing.base}` ? governing.base : `origin/${governing.base}`);
  if (acting) {
    if (governing.commit === null && !(await hasCommits(repo.root))) fail({ reason: 'no-commits', dir: repo.root });
    if (files.config === undefined) {
      // Set up in the checkout, but not on the branch that governs: that is where it must be.
      const inCheckout = repo.worktree && readSource(configFile(repo.root)) !== undefined;
      if (inCheckout && governing.commit !== null) fail({ reason: 'definitions-uncommitted', base: governing.base, files: [CONFIG_PATH], branch: undefined });
      if (!inCheckout) fail({ reason: 'not-initialized', configFile: configFile(repo.root) });
      fail({ reason: 'base-missing', base: governing.base });
    }
  }
  // Written by every verb that validated (a run saves the next status a miss), but read only
  // by the verbs that display (see cache.ts for why).
  const key = purpose === 'audit' ? undefined : cacheKey(builtin, files, governing.base);
  const cacheFile = join(state.dir, 'definitions.cache.json');
  const cached = key === undefined || purpose !== 'view' ? undefined : readCache(cacheFile, key);
  if (cached !== undefined) return { repo, state, governing, ...cached };
  const sources = files.commit === '' ? { config: undefined, overrides: { dir: gitFileName(files, '.phaserunner/phases'), files: [] } } : await readDefinitionFiles(repo.root, files);
  const { validateDefinitions } = await import('./validate.js');
  const validated = validateDefinitions({ config: sources.config, phaseDirs: [builtin, sources.overrides] }, governing.base, governing.base, gitFileName(files, CONFIG_PATH));
  if (key === undefined) return { repo, state, governing, ...validated };
  // Never creates the state directory: a read-only verb before the first run leaves no trace,
  // and a run saves them once it has created it (saveDefinitions).
  if (existsSync(state.dir)) {
    writeCache(cacheFile, key, validated);
    return { repo, state, governing, ...validated };
  }
  return { repo, state, governing, ...validated, unsaved: { file: cacheFile, key } };
}

/** Caches definitions validated before the state directory existed; call once it does. */
export function saveDefinitions(defs: Definitions): void {
  if (defs.unsaved !== undefined) writeCache(defs.unsaved.file, defs.unsaved.key, defs);
}
