// Repository, config and phase definitions: what every verb needs first. One rule governs
// them all: the definitions are what the base branch has committed (config, phase overrides
// and, read at dispatch, INTENT.md), not whatever the working tree holds. A teammate's clone,
// a CI checkout and the audit therefore see exactly what the runner followed; a working tree
// that differs is refused by the verbs that act (see uncommitted.ts), never silently used.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { fail } from '../failures.js';
import { looseBranchIs } from '../git/loose-ref.js';
import { discoverRepo, hasCommits, type RepoPaths } from '../git/repo.js';
import { BUILTIN_PHASES_DIR, CONFIG_PATH, configFile, statePaths, type StatePaths } from '../paths.js';
import { readJsonDir, readSource } from '../util/sources.js';
import { governingAt, governingBase, type Governing } from './base.js';
import { cacheKey, readCache, writeCache, type Cached, type ListedAt } from './cache.js';
import { userKey } from '../util/user-key.js';
import { definitionFilesAt, gitFileName, readDefinitionFiles, type DefinitionFiles } from './git-files.js';
import type { Validated } from './validate.js';

export interface Definitions extends Validated {
  readonly repo: RepoPaths;
  readonly state: StatePaths;
  /** Where the definitions were read: the base branch and its commit. */
  readonly governing: Governing;
  /** Set when these were validated but could not be cached (no state directory yet): see saveDefinitions. */
  readonly unsaved?: { readonly file: string; readonly key: string; readonly at: ListedAt | undefined };
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

export interface OpenOptions {
  /**
   * False: the cache is read but never written, so the state directory is left exactly as it
   * is (`status --watch`, which writes nothing).
   */
  readonly saveCache?: boolean;
}

export async function openDefinitions(cwd: string, purpose: Purpose = 'view', { saveCache = true }: OpenOptions = {}): Promise<Definitions> {
  const acting = purpose === 'act';
  // The verbs that act make the user's key (src/util/user-key.ts) if there is none: the cache
  // they write is signed with it.
  if (acting) userKey();
  // The validator (zod: the largest thing a verb loads) loads while git answers, from the
  // moment validation is certain: at once for a verb that always validates.
  let validator = purpose === 'view' ? undefined : loadValidator();
  const repo = await discoverRepo(cwd, { bare: !acting });
  const state = statePaths(repo.commonDir);
  const cacheFile = join(state.dir, 'definitions.cache.json');
  // Written by every verb that validated (a run saves the next status a miss), but read only
  // by the verbs that display (see cache.ts for why).
  const cache = purpose === 'view' ? readCache(cacheFile) : undefined;
  if (purpose === 'view' && cache === undefined) validator = loadValidator();
  const base = await governingBase(repo);
  const governing = unmoved(repo, base, cache) ?? (await governingAt(repo, base, { remote: !acting }));
  const builtin = readJsonDir(BUILTIN_PHASES_DIR);
  const cachedFiles = listedFromCache(governing, cache);
  let files = cachedFiles ?? (await listFiles(repo, governing));
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
  let key = purpose === 'audit' ? undefined : cacheKey(builtin, files, governing.base);
  if (cache !== undefined && key !== undefined && cache.key === key) {
    const at = listedAt(governing, files);
    // The base moved but its definitions did not: remember where they were listed this time,
    // so that the next status need not list them again.
    if (saveCache && at !== undefined && (cache.at?.ref !== at.ref || cache.at.commit !== at.commit)) writeCache(cacheFile, key, cache, at);
    return { repo, state, governing, config: cache.config, configured: cache.configured, phases: cache.phases };
  }
  validator ??= loadValidator();
  // The cache answers as a whole or not at all: a miss reads the blobs git lists, not those a
  // cache file names.
  if (cachedFiles !== undefined) {
    files = await listFiles(repo, governing);
    key = purpose === 'audit' ? undefined : cacheKey(builtin, files, governing.base);
  }
  const sources = files.commit === '' ? { config: undefined, overrides: { dir: gitFileName(files, '.phaserunner/phases'), files: [] } } : await readDefinitionFiles(repo.root, files);
  const { validateDefinitions } = await validator;
  const validated = validateDefinitions({ config: sources.config, phaseDirs: [builtin, sources.overrides] }, governing.base, governing.base, gitFileName(files, CONFIG_PATH));
  if (key === undefined || !saveCache) return { repo, state, governing, ...validated };
  const at = listedAt(governing, files);
  // Never creates the state directory: a read-only verb before the first run leaves no trace,
  // and a run saves them once it has created it (saveDefinitions).
  if (existsSync(state.dir)) {
    writeCache(cacheFile, key, validated, at);
    return { repo, state, governing, ...validated };
  }
  return { repo, state, governing, ...validated, unsaved: { file: cacheFile, key, at } };
}

/** Starts loading the validator; a failure to load surfaces where it is awaited (not as an unhandled rejection before). */
function loadValidator(): Promise<typeof import('./validate.js')> {
  const loading = import('./validate.js');
  loading.catch(() => undefined);
  return loading;
}

/** Caches definitions validated before the state directory existed; call once it does. */
export function saveDefinitions(defs: Definitions): void {
  if (defs.unsaved !== undefined) writeCache(defs.unsaved.file, defs.unsaved.key, defs, defs.unsaved.at);
}

/**
 * The base, when its local branch is still where the cache listed the definitions, as the
 * branch's own file says (no git started: git/loose-ref.ts); else undefined, and git is asked.
 */
function unmoved(repo: RepoPaths, base: string, cache: Cached | undefined): Governing | undefined {
  const at = cache?.at;
  const ref = `refs/heads/${base}`;
  return at !== undefined && at.ref === ref && looseBranchIs(repo, base, at.commit) ? { base, ref, commit: at.commit } : undefined;
}

/** The files the cache listed at this very commit (a commit's files never change); else undefined. */
function listedFromCache(governing: Governing, cache: Cached | undefined): DefinitionFiles | undefined {
  const at = cache?.at;
  if (at === undefined || governing.commit === null || at.ref !== governing.ref || at.commit !== governing.commit) return undefined;
  return { commit: at.commit, label: label(governing), ...at.files };
}

async function listFiles(repo: RepoPaths, governing: Governing): Promise<DefinitionFiles> {
  return governing.commit === null ? { commit: '', label: governing.base, config: undefined, phases: [] } : definitionFilesAt(repo.root, governing.commit, label(governing));
}

/** How messages name the base's commit: the branch, or origin's. */
function label(governing: Governing): string {
  return governing.ref === `refs/heads/${governing.base}` ? governing.base : `origin/${governing.base}`;
}

function listedAt(governing: Governing, files: DefinitionFiles): ListedAt | undefined {
  if (governing.ref === null || governing.commit === null) return undefined;
  const { config, phases, overridesNotADirectory } = files;
  return { ref: governing.ref, commit: governing.commit, files: { config, phases, ...(overridesNotADirectory === undefined ? {} : { overridesNotADirectory }) } };
}
