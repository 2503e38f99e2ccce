// Validating definitions loads zod, which costs more start-up than `status` may spend in all
// (docs/performance.md). So `status`, `log` and `show` keep the validated result in the state
// directory, keyed by this build of phaserunner, its built-in phase files and the ids git gives
// the committed definition files: a change to any of them validates again, and a hit reads no
// blob at all. The key is that text itself, compared whole (about 12 KB, nearly all of it the
// built-in phase files): nothing to collide. The cache also keeps where those files were listed (the base's ref and commit):
// while the base has not moved, they need not be listed again (open.ts). Only the verbs that
// display use it: a verb that acts on the definitions (run, audit) validates them every time,
// so a cache file written by someone else (the agent can reach the state directory) can change
// what a status shows, never what a run does. And not even that: the file is signed with the
// user's key (src/util/user-key.ts, outside the repository), and one that does not verify is a
// miss. Without a key (no run has dispatched yet on this account) nothing is cached.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import type { Config } from '../config/schema.js';
import type { LoadedGate, LoadedPhase } from '../phases/load.js';
import type { SourceDir } from '../util/sources.js';
import type { DefinitionFiles, GitFile } from './git-files.js';
import type { Validated } from './validate.js';
import { readUserKey, signText, signedBy } from '../util/user-key.js';

/** Bumped when the cache file's layout or key changes. */
const CACHE_FORMAT = 5;

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

/** Undefined when there is nothing safe to key: no build id, or a built-in file that could not be read. */
export function cacheKey(builtin: SourceDir, files: DefinitionFiles, base: string): string | undefined {
  const id = currentBuildId();
  if (id === null || builtin.error !== undefined) return undefined;
  const key = [`${CACHE_FORMAT}\0${id}\0${base}\0`];
  for (const source of builtin.files) {
    if ('error' in source) return undefined;
    key.push(`${source.file}\0${source.text.length}\0${source.text}\0`);
  }
  // Git's ids name the contents: equal ids, equal files.
  for (const f of [files.config ?? { path: 'no config', mode: '', oid: '' }, ...files.phases]) key.push(`${f.path}\0${f.mode}\0${f.oid}\0`);
  // An overrides "directory" committed as a file lists no phase files, but is an error.
  if (files.overridesNotADirectory === true) key.push('overrides: not a directory\0');
  return key.join('');
}

/** Where the definition files were listed, and what was listed there. */
export interface ListedAt {
  /** The ref the base resolved to, and its commit. */
  readonly ref: string;
  readonly commit: string;
  readonly files: Pick<DefinitionFiles, 'config' | 'phases' | 'overridesNotADirectory'>;
}

interface CacheFile {
  /** signText(user key, the rest of the file as JSON). */
  readonly mac?: string;
  readonly key: string;
  readonly at?: ListedAt;
  readonly config: Config;
  readonly configured: boolean;
  readonly phases: readonly LoadedPhase[];
  readonly gates: readonly (readonly [string, LoadedGate])[];
}

/** A cache file as read: its key (to compare), where its files were listed, and its definitions. */
export interface Cached extends Validated {
  readonly key: string;
  readonly at: ListedAt | undefined;
}

export function readCache(file: string): Cached | undefined {
  try {
    const userKey = readUserKey();
    if (userKey === undefined) return undefined;
    const { mac, ...signed } = JSON.parse(readFileSync(file, 'utf8')) as Partial<CacheFile>;
    if (!signedBy(userKey, JSON.stringify(signed), mac)) return undefined;
    const data = signed;
    if (typeof data.key !== 'string' || data.config === undefined || typeof data.configured !== 'boolean' || !Array.isArray(data.phases) || !Array.isArray(data.gates)) return undefined;
    const at = data.at !== undefined && isListedAt(data.at) ? data.at : undefined;
    return { key: data.key, at, config: data.config, configured: data.configured, phases: { phases: data.phases, gates: new Map(data.gates) } };
  } catch {
    // Missing, torn by a crash, or not ours: validate as if there were no cache.
    return undefined;
  }
}

function isListedAt(at: Partial<ListedAt>): at is ListedAt {
  const isFile = (f: Partial<GitFile> | undefined): boolean => typeof f?.path === 'string' && typeof f.mode === 'string' && typeof f.oid === 'string';
  return typeof at.ref === 'string' && typeof at.commit === 'string' && (at.files?.config === undefined || isFile(at.files.config)) && Array.isArray(at.files?.phases) && at.files.phases.every(isFile);
}

/** Best effort: a cache that cannot be written (a read-only disk) only costs the next start. */
export function writeCache(file: string, key: string, defs: Validated, at: ListedAt | undefined): void {
  const userKey = readUserKey();
  if (userKey === undefined) return;
  const data: CacheFile = { key, ...(at === undefined ? {} : { at }), config: defs.config, configured: defs.configured, phases: defs.phases.phases, gates: [...defs.phases.gates] };
  const text = JSON.stringify(data);
  const tmp = `${file}.${process.pid}.tmp`;
  try {
    // No fsync: a cache lost or torn in a power cut is only a miss (see readCache). The MAC
    // goes first so that it is over exactly the text readCache re-serialises.
    writeFileSync(tmp, JSON.stringify({ mac: signText(userKey, text), ...data }));
    renameSync(tmp, file);
  } catch {
    // Ignored, as above.
  }
}
