// Listing and reading files in a checkout for gate checks and prompts. Never follows a
// symlink out of the checkout and never looks inside .git.
//
// Synchronous on purpose, behind the async FileSource interface: a gate reads its files one
// after another, and each awaited fs call is a round trip through libuv's thread pool. With
// fs/promises, phase 1 with 2,000 decision records spent ~0.35 ms per file waiting (700 ms in
// all, `npm run bench`, outputs curve); the same reads done synchronously take a few ms. The
// runner has nothing else to do while a gate is checked.
import { lstatSync, readdirSync, readFileSync, realpathSync, type Dirent } from 'node:fs';
import { join, sep } from 'node:path';
import { globToRegExp, isGlob, staticPrefix } from '../util/glob.js';

/**
 * Where a check reads files: a checkout on disk (the beforeDispatch gate, what the agent will
 * see), or a tree git stores (the beforeAdvance gate judges the tree the runner staged and
 * will commit; the audit re-runs the checks against each merge's tree).
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
  let realRoot: string | undefined;
  return {
    list: (pattern) => settle(() => listMatchesSync(root, pattern)),
    // The root is resolved once per source: a gate reads many files of the one checkout.
    read: (path) => settle(() => readInsideSync(root, () => (realRoot ??= realpathSync(root)), path)),
  };
}

/**
 * fn's result as a promise; what it throws, as a rejection (as the fs/promises calls did).
 * (An async arrow would do the same, but lint rightly refuses an async function with no await.)
 */
function settle<T>(fn: () => T): Promise<T> {
  try {
    return Promise.resolve(fn());
  } catch (error) {
    return Promise.reject(error instanceof Error ? error : new Error(String(error)));
  }
}

function listMatchesSync(root: string, pattern: string): string[] {
  if (!isGlob(pattern)) return isRegularFile(root, pattern) ? [pattern] : [];
  const re = globToRegExp(pattern);
  const start = staticPrefix(pattern);
  const found: string[] = [];
  walk(root, start, (rel) => {
    if (re.test(rel)) found.push(rel);
  });
  return found.sort();
}

function walk(root: string, rel: string, visit: (rel: string) => void): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(rel === '' ? root : join(root, rel), { withFileTypes: true });
  } catch {
    return;
  }
  for (const entry of entries) {
    if (entry.name === '.git') continue;
    const child = rel === '' ? entry.name : `${rel}/${entry.name}`;
    // Symlinked directories are not followed: they can point outside the checkout.
    if (entry.isDirectory()) walk(root, child, visit);
    else if (entry.isFile()) visit(child);
  }
}

function isRegularFile(root: string, rel: string): boolean {
  try {
    return lstatSync(join(root, rel)).isFile();
  } catch {
    return false;
  }
}

function readInsideSync(root: string, resolveRoot: () => string, rel: string): string | undefined {
  let real: string;
  try {
    real = realpathSync(join(root, rel));
  } catch {
    return undefined;
  }
  const realRoot = resolveRoot();
  if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
  return readFileSync(real, 'utf8');
}

export type JsonRead = { readonly ok: true; readonly data: unknown } | { readonly ok: false; readonly message: string };

/** A file's text (undefined: missing) parsed as JSON, or why it could not be. */
export function parseJson(rel: string, text: string | undefined): JsonRead {
  if (text === undefined) return { ok: false, message: `${rel} is missing.` };
  try {
    return { ok: true, data: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: `${rel} is not valid JSON: ${(error as Error).message}.` };
  }
}
