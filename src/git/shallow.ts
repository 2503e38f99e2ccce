// A shallow clone (`git clone --depth N`, CI's default) has its history cut: git's shallow file
// lists the commits whose parents were not fetched, and `git log` shows those commits with no
// parents at all. Their commit objects still name the parents, so a merge at the cut is still a
// merge; and what lies beyond it is known to be missing, never taken for absent from history.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ObjectReader } from './objects.js';

export interface Shallow {
  /** The commits git's shallow file lists, with the parents their commit objects name. */
  readonly parents: ReadonlyMap<string, readonly string[]>;
  /** Of those parents, the ones this repository does not have: the history beyond the cut. */
  readonly missing: ReadonlySet<string>;
}

/** Whether git's shallow file lists any commit: the history is cut somewhere. */
export function isShallow(commonDir: string): boolean {
  try {
    return readFileSync(join(commonDir, 'shallow'), 'latin1').trim() !== '';
  } catch {
    return false;
  }
}

/**
 * What the repository lacks, or undefined when it is not shallow. `commonDir` holds the shallow
 * file (shared by linked worktrees). Objects are read through `reader`, or a reader of its own
 * started only when the repository is shallow.
 */
export async function readShallow(commonDir: string, reader: ObjectReader | { readonly root: string }): Promise<Shallow | undefined> {
  let text: string;
  try {
    text = readFileSync(join(commonDir, 'shallow'), 'latin1');
  } catch {
    return undefined;
  }
  const listed = text.split('\n').filter((line) => /^[0-9a-f]{40,64}$/.test(line));
  if (listed.length === 0) return undefined;
  if (reader instanceof ObjectReader) return readCut(listed, reader);
  const own = new ObjectReader(reader.root);
  try {
    return await readCut(listed, own);
  } finally {
    await own.close();
  }
}

async function readCut(listed: readonly string[], reader: ObjectReader): Promise<Shallow> {
  // Decoded as each answer arrives: the reader hands out views of its buffer.
  const read = await Promise.all(listed.map((sha) => reader.read(sha).then((o) => (o?.type === 'commit' ? parentsOf(o.content) : undefined))));
  const parents = new Map<string, readonly string[]>();
  for (const [i, named] of read.entries()) if (named !== undefined) parents.set(listed[i] ?? '', named);
  const named = [...new Set([...parents.values()].flat())];
  const found = await Promise.all(named.map((sha) => reader.read(sha).then((o) => o !== undefined)));
  const missing = new Set(named.filter((_, i) => found[i] !== true));
  return { parents, missing };
}

/** The `parent` lines of a raw commit object's header, in order. */
function parentsOf(content: Buffer): string[] {
  const end = content.indexOf('\n\n');
  const header = content.toString('latin1', 0, end < 0 ? content.length : end);
  return header
    .split('\n')
    .filter((line) => line.startsWith('parent '))
    .map((line) => line.slice('parent '.length));
}

/** Of the listed commits a walk reached (`reached`), those that lack a parent here: where its history is cut. */
export function boundaryOf(shallow: Shallow | undefined, reached: readonly string[]): string[] {
  if (shallow === undefined) return [];
  return reached.filter((sha) => shallow.parents.get(sha)?.some((p) => shallow.missing.has(p)) === true);
}
