// File helpers shared by the store, the dispatcher and the wrapper.
import { closeSync, fstatSync, fsyncSync, openSync, readSync, renameSync, writeSync } from 'node:fs';
import { open, readFile } from 'node:fs/promises';
import { dirname, join, basename } from 'node:path';

/**
 * Writes a file so readers see either the old content or the whole new content, never a
 * prefix: write a sibling temp file, fsync it, rename it over the target.
 */
export function writeFileAtomic(path: string, data: string): void {
  const tmp = join(dirname(path), `.${basename(path)}.${process.pid}.${Date.now()}.tmp`);
  writeFileDurable(tmp, data);
  renameSync(tmp, path);
}

/** Writes a file and fsyncs it, so its content is on disk before anything refers to it. */
export function writeFileDurable(path: string, data: string): void {
  const fd = openSync(path, 'w', 0o644);
  try {
    writeSync(fd, data);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
}

/** Reads a text file, or undefined when it does not exist. */
export async function readTextIfExists(path: string): Promise<string | undefined> {
  try {
    return await readFile(path, 'utf8');
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') return undefined;
    throw error;
  }
}

/** Narrows an unknown error to a Node system error with a `code`. */
export function isNodeError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && 'code' in error;
}

/**
 * The last `bytes` of a file as text, or undefined when it cannot be read. An agent's log can
 * be gigabytes: only its end is ever read.
 */
export async function readTail(path: string, bytes = 64 * 1024): Promise<string | undefined> {
  let handle;
  try {
    handle = await open(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const { size } = await handle.stat();
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    await handle.read(buffer, 0, length, size - length);
    // A cut through a multi-byte character decodes as U+FFFD: acceptable at the edge of a tail.
    return buffer.toString('utf8');
  } finally {
    await handle.close();
  }
}

/**
 * readTail for the synchronous callers (the wrapper, progress polls): the text, and whether it
 * is the whole file (else its start may be the middle of a line).
 */
export function readTailSync(path: string, bytes: number): { readonly text: string; readonly whole: boolean } | undefined {
  let fd: number;
  try {
    fd = openSync(path, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, bytes);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    return { text: buffer.toString('utf8'), whole: length === size };
  } finally {
    closeSync(fd);
  }
}

/** The last `n` lines of a log (blank lines around it dropped); none when it cannot be read. */
export async function lastLines(path: string, n: number): Promise<string[]> {
  const text = ((await readTail(path)) ?? '').trim();
  return text === '' ? [] : text.split('\n').slice(-n);
}
