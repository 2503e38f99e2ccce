// Comparing paths that may lie behind symbolic links (git lists worktrees by their real path).
import { realpathSync } from 'node:fs';
import { isAbsolute, relative, resolve } from 'node:path';

/** The path with symbolic links resolved, or resolved as given when it does not exist. */
export function realOrResolved(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return resolve(path);
  }
}

/** Whether `path` lies below `root` (not `root` itself). Both are taken as they are: resolve them first. */
export function isBelow(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
}
