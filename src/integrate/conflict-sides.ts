// The sides of a conflicting merge of a task into the base, as a resolution prompt shows them:
// for each conflicting path, the file at the merge base, on the base branch and in the task.
// Contents are capped (a prompt is no place for a generated megabyte) and binary files are
// named, not shown; the object ids let whoever needs the rest read it from git.
import { git } from '../git/exec.js';
import { conflictStages } from '../git/merge-stages.js';
import { ObjectReader } from '../git/objects.js';

/** A file on one side of a conflict. */
export type SideContent =
  | { readonly kind: 'text'; readonly oid: string; readonly mode: string; readonly size: number; readonly text: string }
  /**
   * Not shown: `binary` (a NUL byte, or not UTF-8), `too-large` (over SIDE_TEXT_LIMIT, or past
   * SIDES_TEXT_BUDGET for all sides together), `submodule` (a commit of another repository).
   */
  | { readonly kind: 'omitted'; readonly oid: string; readonly mode: string; readonly size: number | undefined; readonly why: 'binary' | 'too-large' | 'submodule' };

/** A side is absent where the path does not exist on it (added on one side, deleted on the other). */
export interface ConflictSide {
  readonly path: string;
  /** At the merge base of the two. */
  readonly base?: SideContent;
  /** On the base branch (its tip the candidate would be built on). */
  readonly ours?: SideContent;
  /** In the task's commit. */
  readonly theirs?: SideContent;
}

/** Largest file shown, in bytes. */
export const SIDE_TEXT_LIMIT = 32 * 1024;
/** Most bytes shown for all sides of a conflict together. */
export const SIDES_TEXT_BUDGET = 256 * 1024;

const SUBMODULE_MODE = '160000';
/** Where git itself looks for a NUL to call a file binary. */
const BINARY_PROBE = 8000;

/** The sides of every conflicting path of merging `theirs` into `ours`, in git's path order. */
export async function conflictSides(dir: string, ours: string, theirs: string): Promise<ConflictSide[]> {
  const stages = await conflictStages(dir, ours, theirs);
  const blobs = [...new Set(stages.filter((s) => s.mode !== SUBMODULE_MODE).map((s) => s.oid))];
  const sizes = await blobSizes(dir, blobs);
  const texts = await readTexts(dir, blobs.filter((oid) => (sizes.get(oid) ?? Infinity) <= SIDE_TEXT_LIMIT));
  let budget = SIDES_TEXT_BUDGET;
  const byPath = new Map<string, { base?: SideContent; ours?: SideContent; theirs?: SideContent }>();
  for (const s of stages) {
    const size = sizes.get(s.oid);
    let content: SideContent;
    if (s.mode === SUBMODULE_MODE) content = { kind: 'omitted', oid: s.oid, mode: s.mode, size: undefined, why: 'submodule' };
    else {
      const text = texts.get(s.oid);
      if (text === null) content = { kind: 'omitted', oid: s.oid, mode: s.mode, size, why: 'binary' };
      else if (text === undefined || size === undefined || size > budget) content = { kind: 'omitted', oid: s.oid, mode: s.mode, size, why: 'too-large' };
      else {
        budget -= size;
        content = { kind: 'text', oid: s.oid, mode: s.mode, size, text };
      }
    }
    const side = byPath.get(s.path) ?? {};
    byPath.set(s.path, { ...side, [s.stage === 1 ? 'base' : s.stage === 2 ? 'ours' : 'theirs']: content });
  }
  return [...byPath].map(([path, sides]) => ({ path, ...sides }));
}

/** Each blob's size in bytes (`cat-file --batch-check`: no content is read). */
async function blobSizes(dir: string, oids: readonly string[]): Promise<Map<string, number>> {
  const sizes = new Map<string, number>();
  if (oids.length === 0) return sizes;
  // One id a line (-Z, NUL-separated, needs git 2.43; the runner supports 2.38).
  const { stdout } = await git(['cat-file', '--batch-check=%(objectname) %(objectsize)'], { cwd: dir, input: oids.map((o) => `${o}\n`).join('') });
  for (const record of stdout.split('\n')) {
    const [oid, size] = record.split(' ');
    if (oid !== undefined && size !== undefined && /^\d+$/.test(size)) sizes.set(oid, Number(size));
  }
  return sizes;
}

/** Each blob as text, or null when it is binary (a NUL byte, or not UTF-8). */
async function readTexts(dir: string, oids: readonly string[]): Promise<Map<string, string | null>> {
  const texts = new Map<string, string | null>();
  if (oids.length === 0) return texts;
  const reader = new ObjectReader(dir);
  try {
    const objects = await Promise.all(oids.map((oid) => reader.read(oid)));
    for (const object of objects) if (object !== undefined) texts.set(object.oid, decodeText(object.content));
  } finally {
    await reader.close();
  }
  return texts;
}

const utf8 = new TextDecoder('utf-8', { fatal: true });

function decodeText(content: Buffer): string | null {
  if (content.subarray(0, BINARY_PROBE).includes(0)) return null;
  try {
    return utf8.decode(content);
  } catch {
    return null;
  }
}
