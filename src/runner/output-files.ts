// Outputs are regular files. A symbolic link (absolute, into .git/config, up with ../..) would
// land as a link that points wherever the agent chose, in every clone; a directory that git
// lists as one path is a submodule or another repository, which is no file either. The runner
// refuses an attempt whose changed outputs include one, naming each (src/runner/verdict.ts).
import { lstatSync, type Stats } from 'node:fs';
import { join } from 'node:path';
import type { ChangedPath } from '../git/status.js';

export interface NotAFile {
  readonly path: string;
  /** What it is instead, for the message: "a symbolic link", "a directory (a submodule or another repository)". */
  readonly kind: string;
}

/**
 * The changed (or ignored) outputs in `worktree` that exist and are not regular files. A path
 * git reports deleted is not looked at: what stands there now (a directory of new files, say)
 * is reported under its own paths.
 */
export function notRegularFiles(worktree: string, changed: readonly ChangedPath[], ignored: readonly string[]): NotAFile[] {
  const present = [...changed.filter((c) => !c.status.includes('D')).map((c) => c.path), ...ignored];
  const found: NotAFile[] = [];
  for (const path of new Set(present)) {
    // git names a directory it shows as one entry (another repository) with a trailing slash.
    const stat = lstatOrUndefined(join(worktree, path.replace(/\/$/, '')));
    if (stat === undefined || stat.isFile()) continue;
    found.push({ path, kind: kindOf(stat) });
  }
  return found;
}

function kindOf(stat: Stats): string {
  if (stat.isSymbolicLink()) return 'a symbolic link';
  if (stat.isDirectory()) return 'a directory (a submodule or another repository)';
  if (stat.isFIFO()) return 'a named pipe';
  if (stat.isSocket()) return 'a socket';
  return 'a device file';
}

function lstatOrUndefined(path: string): Stats | undefined {
  try {
    return lstatSync(path);
  } catch {
    return undefined;
  }
}
