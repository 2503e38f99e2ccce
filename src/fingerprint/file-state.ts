// A file's state for the fingerprint, and walking a directory into states.
import { createHash } from 'node:crypto';
import { lstatSync, readdirSync, readFileSync, readlinkSync, type BigIntStats } from 'node:fs';
import { join } from 'node:path';
import type { FileState } from './types.js';

/** Files up to this size are kept whole in the fingerprint, so that they can be put back. */
export const KEPT_BYTES = 256 * 1024;

/** At most this many files under one directory (a guard against a directory an agent filled to slow the runner). */
const WALK_LIMIT = 100_000;

/**
 * A file's state. `keep: false` records only what identifies it (inode, size, change time),
 * reading nothing: for files that are compared but never put back (other runs' logs and
 * records, which grow with the history and would make every fingerprint larger).
 */
export function fileState(path: string, { keep = true }: { readonly keep?: boolean } = {}): FileState {
  let st: BigIntStats;
  try {
    st = lstatSync(path, { bigint: true });
  } catch {
    return { kind: 'missing' };
  }
  const mode = Number(st.mode & 0o7777n);
  if (st.isDirectory()) return { kind: 'dir' };
  if (st.isSymbolicLink()) return { kind: 'symlink', target: safeReadlink(path) };
  if (!st.isFile()) return { kind: 'other', mode: Number(st.mode) };
  if (!keep || st.size > BigInt(KEPT_BYTES)) return { kind: 'large', mode, size: Number(st.size), ino: Number(st.ino), ctimeNs: st.ctimeNs.toString() };
  let bytes: Buffer;
  try {
    bytes = readFileSync(path);
  } catch {
    // Unreadable (its mode changed under us): its identity still tells a change apart.
    return { kind: 'large', mode, size: Number(st.size), ino: Number(st.ino), ctimeNs: st.ctimeNs.toString() };
  }
  return { kind: 'file', mode, size: bytes.length, sha256: createHash('sha256').update(bytes).digest('hex'), content: bytes.toString('base64') };
}

function safeReadlink(path: string): string {
  try {
    return readlinkSync(path);
  } catch {
    return '';
  }
}

/** Equal states: content (or identity, for large files), mode and kind. The content copy itself is not compared. */
export function sameState(a: FileState, b: FileState): boolean {
  if (a.kind !== b.kind) return false;
  switch (a.kind) {
    case 'missing':
    case 'dir':
      return true;
    case 'symlink':
      return a.target === (b as typeof a).target;
    case 'file': {
      const o = b as typeof a;
      return a.sha256 === o.sha256 && a.mode === o.mode;
    }
    case 'large': {
      const o = b as typeof a;
      return a.size === o.size && a.ino === o.ino && a.ctimeNs === o.ctimeNs && a.mode === o.mode;
    }
    case 'other':
      return a.mode === (b as typeof a).mode;
  }
}

/**
 * Every file under `dir` (recursively; a symlink is a file, never followed), skipping the
 * names `skip` says to. A directory that does not exist lists nothing.
 */
export function walkFiles(dir: string, skip: (path: string) => boolean = () => false): string[] {
  const found: string[] = [];
  const visit = (at: string): void => {
    let entries;
    try {
      entries = readdirSync(at, { withFileTypes: true });
    } catch {
      return;
    }
    for (const entry of entries) {
      if (found.length >= WALK_LIMIT) return;
      const path = join(at, entry.name);
      if (skip(path)) continue;
      if (entry.isDirectory()) visit(path);
      else found.push(path);
    }
  };
  visit(dir);
  return found;
}
