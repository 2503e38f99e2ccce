// A branch's tip read from its own file, where that file is exactly what git would read: in
// the `files` ref format a branch is the file refs/heads/<name> in the common git directory,
// and that file, when there is one, is the branch (packed-refs holds only branches without
// one). Starting git costs a read-only verb more than its own work (docs/performance.md); a
// file read costs nothing. Anything this does not know for certain is left to git.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { RepoPaths } from './repo.js';

/**
 * True when refs/heads/<branch> is `oid`, as its own file says. False when it is not, or when
 * the file cannot tell: another ref format, a packed or symbolic ref, or a name whose file
 * this does not map with certainty. Then ask git.
 */
export function looseBranchIs(repo: Pick<RepoPaths, 'commonDir' | 'refFormat'>, branch: string, oid: string): boolean {
  if (repo.refFormat !== 'files' || !plainBranchName(branch) || !/^[0-9a-f]{40}(?:[0-9a-f]{24})?$/.test(oid)) return false;
  try {
    return readFileSync(join(repo.commonDir, 'refs', 'heads', ...branch.split('/')), 'utf8') === `${oid}\n`;
  } catch {
    return false;
  }
}

/** Names made of plain path components (a subset of git's branch names): the file is the name. */
function plainBranchName(name: string): boolean {
  return !name.includes('..') && name.split('/').every((part) => /^[A-Za-z0-9_-](?:[A-Za-z0-9._-]*[A-Za-z0-9_-])?$/.test(part) && !part.endsWith('.lock'));
}
