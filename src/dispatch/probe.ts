// Looking at an attempt from outside: has the wrapper written exit.json, is it still alive?
import { existsSync, readFileSync } from 'node:fs';
import type { Issue } from '../failures.js';
import { isProcessAlive } from '../util/process.js';
import { issuesOf } from '../util/validate.js';
import { ExitFileSchema, type ExitFile } from './exit-file.js';
import { runFiles } from './run-dir.js';

export type AttemptProbe =
  | { readonly kind: 'running' }
  | { readonly kind: 'exited'; readonly exit: ExitFile }
  | { readonly kind: 'crashed'; readonly detail: string }
  | { readonly kind: 'bad-exit-file'; readonly file: string; readonly issues: readonly Issue[] };

/**
 * exit.json decides: present and valid means the agent ended. Absent with a live wrapper
 * means it is still working; absent with a dead wrapper means the attempt crashed.
 */
export function probeAttempt(runDir: string, wrapperPid: number | null): AttemptProbe {
  const files = runFiles(runDir);
  if (!existsSync(files.exit)) {
    // The wrapper's command line contains the run dir, so a recycled pid does not count.
    if (wrapperPid !== null && isProcessAlive(wrapperPid, runDir)) return { kind: 'running' };
    return {
      kind: 'crashed',
      detail: `the dispatch wrapper (pid ${wrapperPid ?? 'unknown'}) is gone and left no exit.json in ${runDir}`,
    };
  }
  const text = readFileSync(files.exit, 'utf8');
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    const detail = text.trim() === '' ? 'the file is empty' : `not JSON: ${(error as Error).message}`;
    return { kind: 'bad-exit-file', file: files.exit, issues: [{ path: '(root)', message: detail }] };
  }
  const result = ExitFileSchema.safeParse(data);
  if (!result.success) return { kind: 'bad-exit-file', file: files.exit, issues: issuesOf(result.error) };
  return { kind: 'exited', exit: result.data };
}
