// Reading and validating JSON data files, with errors that name the file and the field.
import type { z } from 'zod';
import { fail, type DataKind, type Issue } from '../failures.js';
import { isNodeError } from './fs.js';

/** "gate.checks[1].path" from zod's path array; "(root)" for the document itself. */
export function formatIssuePath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const part of path) {
    if (typeof part === 'number') out += `[${part}]`;
    else out += out === '' ? String(part) : `.${String(part)}`;
  }
  return out === '' ? '(root)' : out;
}

/** zod issues as file-field problems a human can act on. */
export function issuesOf(error: z.ZodError): Issue[] {
  return error.issues.map((issue) => ({ path: formatIssuePath(issue.path), message: issue.message }));
}

/** Parses JSON text; fails with invalid-json naming the file. */
export function parseJsonText(text: string, file: string, kind: DataKind): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch (error) {
    return fail({ reason: 'invalid-json', file, kind, detail: error instanceof Error ? error.message : String(error) });
  }
}

/** Validates parsed data; fails with invalid-data listing every problem. */
export function validateData<S extends z.ZodType>(data: unknown, schema: S, file: string, kind: DataKind): z.output<S> {
  const result = schema.safeParse(data);
  if (!result.success) fail({ reason: 'invalid-data', file, kind, issues: issuesOf(result.error) });
  return result.data;
}

/** Fails with unreadable-file for a file that exists but cannot be read (a directory, no permission). */
export function unreadable(file: string, kind: DataKind | 'directory', error: unknown, missingToo = false): never {
  const codes = ['EISDIR', 'ENOTDIR', 'EACCES', 'EPERM', 'ELOOP', 'EIO', ...(missingToo ? ['ENOENT'] : [])];
  if (isNodeError(error) && error.code !== undefined && codes.includes(error.code)) {
    fail({ reason: 'unreadable-file', file, kind, detail: error.message });
  }
  throw error;
}

