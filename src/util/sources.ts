// Source files read before they are validated, with a read error kept (not thrown) so that
// validation reports problems in its own order, and so the texts can key a cache of the
// validated result (src/runner/definitions.ts).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { isNodeError } from './fs.js';

export type Source = { readonly file: string; readonly text: string } | { readonly file: string; readonly error: unknown };

/** A directory's `*.json` files, sorted by name: read, or the error reading it. */
export interface SourceDir {
  readonly dir: string;
  /** Why the directory could not be listed (a missing directory has no files, and no error). */
  readonly error?: unknown;
  readonly files: readonly Source[];
}

/** Reads a file; undefined when it does not exist. */
export function readSource(file: string): Source | undefined {
  try {
    return { file, text: readFileSync(file, 'utf8') };
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') return undefined;
    return { file, error };
  }
}

/** Lists and reads a directory's JSON files. A file listed but gone is kept as an error (a dangling symlink). */
export function readJsonDir(dir: string): SourceDir {
  let names: string[];
  try {
    names = readdirSync(dir);
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') return { dir, files: [] };
    return { dir, error, files: [] };
  }
  const files = names
    .filter((n) => n.endsWith('.json'))
    .sort()
    .map((n): Source => {
      const file = join(dir, n);
      try {
        return { file, text: readFileSync(file, 'utf8') };
      } catch (error) {
        return { file, error };
      }
    });
  return { dir, files };
}
