// Listing and reading files in a checkout for gate checks and prompts. Never follows a
// symlink out of the checkout and never looks inside .git.
import { lstat, readdir, readFile, realpath } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { globToRegExp, isGlob, staticPrefix } from '../util/glob.js';

/**
 * Where a check reads files: a checkout on disk, or a commit's tree (audit re-runs the
 * file checks against history).
 */
export interface FileSource {
  /** Repository-relative paths of regular files matching a path or glob, sorted. */
  list(pattern: string): Promise<string[]>;
  /** A file's text, or undefined when it is missing or not a regular file inside the source. */
  read(path: string): Promise<string | undefined>;
}

/** A FileSource whose files are already at hand (the audit's trees, once loaded). */
export interface SyncFileSource {
  list(pattern: string): string[];
  read(path: string): string | undefined;
}

export function checkoutSource(root: string): FileSource {
  return { list: (pattern) => listMatches(root, pattern), read: (path) => readInside(root, path) };
}

/** Repository-relative paths of regular files matching a path or glob, sorted. */
export async function listMatches(root: string, pattern: string): Promise<string[]> {
  if (!isGlob(pattern)) return (await isRegularFile(root, pattern)) ? [pattern] : [];
  const re = globToRegExp(pattern);
  const start = staticPrefix(pattern);
  const found: string[] = [];
  await walk(root, start, (rel) => {
    if (re.test(rel)) found.push(rel);
  });
  return found.sort();
}

async function walk(root: string, rel: string, visit: (rel: string) => void): Promise<void> {
  let entries;
  try {
    entries = await readdir(rel === '' ? root : join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === '.git') continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    // Symlinked directories are not followed: they can point outside the checkout.
    if (entry.isDirectory()) await walk(root, child, visit);
    else if (entry.isFile()) visit(child);
  }
}

async function isRegularFile(root: string, rel: string): Promise<boolean> {
  try {
    return (await lstat(join(root, rel))).isFile();
  } catch {
    return false;
  }
}

/**
 * Reads a repository-relative file, refusing one that resolves outside the checkout (a
 * symlink the agent planted). Returns undefined when it does not exist.
 */
export async function readInside(root: string, rel: string): Promise<string | undefined> {
  let real: string;
  try {
    real = await realpath(join(root, rel));
  } catch {
    return undefined;
  }
  const realRoot = await realpath(root);
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
  return readFile(real, 'utf8');
}

export type JsonRead = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly message: string };

/** Reads and parses a JSON file of the checkout, or says why it could not. */
export async function readJsonInside(root: string, rel: string): Promise<JsonRead> {
  const text = await readInside(root, rel);
  if (text === undefined) return { ok: false, message: `${rel} is missing.` };
  try {
    return { ok: true, data: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `${rel} is not valid JSON: ${(error as Error).message}.` };
  }
}
