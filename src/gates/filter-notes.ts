// A check that fails on a file git stores through a filter (a formatter's clean filter,
// git-lfs, git-crypt) judged what the filter made of the file, not the bytes the agent wrote:
// the failure says so, or the person reading it looks at a file that seems fine.
import { isGlob } from '../util/glob.js';
import type { CheckoutCheck } from './evaluate.js';
import type { FileSource } from './files.js';
import type { CheckResult } from './types.js';

/** The filter driver each of these paths is stored through; paths without one are absent. */
export type FiltersOf = (paths: readonly string[]) => Promise<ReadonlyMap<string, string>>;

/** Paths named in one sentence at most; a glob may match hundreds. */
const NAMED = 3;

/** `results` (one per check, in order) with a note added to each failure on a filtered path. */
export async function noteFilters(checks: readonly CheckoutCheck[], results: readonly CheckResult[], files: FileSource, filtersOf: FiltersOf): Promise<CheckResult[]> {
  const read = new Map<number, readonly string[]>();
  for (const [i, check] of checks.entries()) {
    if (results[i]?.ok !== false) continue;
    const paths = await pathsRead(check, files);
    if (paths.length > 0) read.set(i, paths);
  }
  if (read.size === 0) return [...results];
  const filters = await filtersOf([...new Set([...read.values()].flat())]);
  if (filters.size === 0) return [...results];
  return results.map((result, i) => {
    const note = filterNote(read.get(i) ?? [], filters);
    return note === undefined ? result : { ...result, message: `${result.message} ${note}` };
  });
}

/** The files a check read (a command check reads none itself). */
async function pathsRead(check: CheckoutCheck, files: FileSource): Promise<readonly string[]> {
  switch (check.kind) {
    case 'file':
      return isGlob(check.path) ? files.list(check.path) : [check.path];
    case 'json':
      return check.schema.startsWith('builtin:') ? [check.path] : [check.path, check.schema];
    case 'tasks':
      return [check.path];
    case 'command':
      return [];
  }
}

/** "planning/x.md is stored through the filter 'fmt': the gate reads what git stores.", per filter. */
function filterNote(paths: readonly string[], filters: ReadonlyMap<string, string>): string | undefined {
  const byFilter = new Map<string, string[]>();
  for (const path of paths) {
    const filter = filters.get(path);
    if (filter !== undefined) byFilter.set(filter, [...(byFilter.get(filter) ?? []), path]);
  }
  if (byFilter.size === 0) return undefined;
  return [...byFilter]
    .map(([filter, named]) => {
      const shown = named.slice(0, NAMED).map(plain);
      if (named.length > NAMED) shown.push(`${named.length - NAMED} more`);
      const list = shown.length === 1 ? shown.join('') : `${shown.slice(0, -1).join(', ')} and ${shown.at(-1) ?? ''}`;
      return `${list} ${named.length === 1 ? 'is' : 'are'} stored through the filter '${plain(filter)}': the gate reads what git stores.`;
    })
    .join(' ');
}

/** Names come from the agent and the config: quoted unless plain, so a message stays one line. */
function plain(name: string): string {
  return /^[\x20-\x7e]+$/.test(name) ? name : JSON.stringify(name);
}
