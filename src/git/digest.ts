// Artifacts-Digest: sha256 over the phase's declared output files at a commit, as sorted
// (path, blob id) pairs. Defined in docs/git-contract.md so anyone can recompute it.
import { createHash } from 'node:crypto';
import { matcherFor, outputPathspecs } from '../util/glob.js';
import { git, splitNul } from './exec.js';

export interface TreeFile {
  readonly path: string;
  readonly oid: string;
}

/** The blobs at `commit` that match the output globs, sorted by path bytes. */
export async function outputFilesAt(dir: string, commit: string, outputs: readonly string[]): Promise<TreeFile[]> {
  const { stdout } = await git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', ...outputPathspecs(outputs)], {
    cwd: dir,
    env: { GIT_LITERAL_PATHSPECS: '1' },
  });
  const matches = matcherFor(outputs);
  const files: TreeFile[] = [];
  for (const record of splitNul(stdout)) {
    // "<mode> <type> <oid>\t<path>"
    const tab = record.indexOf('\t');
    const [, type, oid] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    if (type === 'blob' && oid !== undefined && matches(path)) files.push({ path, oid });
  }
  return sortByPath(files);
}

/** Sorts files by path bytes (not UTF-16 code units), as the digest's definition says. */
export function sortByPath<T extends TreeFile>(files: readonly T[]): T[] {
  // Each path encoded once, not twice per comparison: the audit sorts a listing per merge.
  return files
    .map((file) => ({ file, key: Buffer.from(file.path) }))
    .sort((a, b) => Buffer.compare(a.key, b.key))
    .map(({ file }) => file);
}

/** `sha256:<hex>` over `path NUL oid LF` for each file, in path byte order. */
export function digestOf(files: readonly TreeFile[]): string {
  const hash = createHash('sha256');
  for (const file of files) hash.update(`${file.path}\0${file.oid}\n`);
  return `sha256:${hash.digest('hex')}`;
}

/** The Artifacts-Digest of a commit for a phase's outputs. */
export async function artifactsDigest(dir: string, commit: string, outputs: readonly string[]): Promise<string> {
  return digestOf(await outputFilesAt(dir, commit, outputs));
}
