// Looking at an attempt from outside: has the wrapper written exit.json, is it still alive?
import { existsSync, readFileSync, statSync } from 'node:fs';
import type { Issue } from '../failures.js';
import { isProcessAlive } from '../util/process.js';
import { issuesOf } from '../util/validate.js';
import { ExitFileSchema, type ExitFile } from './exit-file.js';
import { runFiles } from './run-dir.js';

export type AttemptProbe =
  | { readonly kind: 'running' }
  /** The run was recorded but its wrapper never started (no dispatch.json): nothing ran. */
  | { readonly kind: 'not-started' }
  | { readonly kind: 'exited'; readonly exit: ExitFile }
  | { readonly kind: 'crashed'; readonly detail: string; readonly orphanedAgent: number | undefined }
  | { readonly kind: 'bad-exit-file'; readonly file: string; readonly issues: readonly Issue[] };

interface Started {
  readonly wrapper_pid?: number;
  readonly agent_pid?: number;
}

function started(runDir: string): Started {
  try {
    return JSON.parse(readFileSync(runFiles(runDir).started, 'utf8')) as Started;
  } catch {
    return {};
  }
}

/** The wrapper's pid: as the runner recorded it, or from started.json if the runner died first. */
function wrapperPidOf(runDir: string, recorded: number | null): number | null {
  return recorded ?? started(runDir).wrapper_pid ?? null;
}

/** True while the attempt's wrapper runs. Its command line holds the run dir, so a recycled pid does not count. */
export function wrapperAlive(runDir: string, recordedWrapperPid: number | null): boolean {
  const pid = wrapperPidOf(runDir, recordedWrapperPid);
  return pid !== null && isProcessAlive(pid, runDir);
}

/** How long a wrapper may take to report that it started its agent. */
const STARTUP_GRACE_MS = 10_000;

/**
 * A wrapper started moments ago by a runner that died before recording its pid has not
 * written started.json yet: it is starting, not gone.
 */
function starting(files: ReturnType<typeof runFiles>, recordedWrapperPid: number | null): boolean {
  if (recordedWrapperPid !== null || existsSync(files.started)) return false;
  try {
    return Date.now() - statSync(files.spec).mtimeMs < STARTUP_GRACE_MS;
  } catch {
    return false;
  }
}

/**
 * exit.json decides: present and valid means the agent ended. Absent with a live wrapper
 * means it is still working; absent with a dead wrapper means the attempt crashed (and names
 * an agent the dead wrapper left running, for the caller to stop). Only looks; changes nothing.
 */
export function probeAttempt(runDir: string, recordedWrapperPid: number | null, runId: string): AttemptProbe {
  const files = runFiles(runDir);
  if (!existsSync(files.exit)) {
    if (!existsSync(files.spec) && recordedWrapperPid === null) return { kind: 'not-started' };
    if (wrapperAlive(runDir, recordedWrapperPid) || starting(files, recordedWrapperPid)) return { kind: 'running' };
    // It may have written exit.json and exited between the two checks.
    if (!existsSync(files.exit)) {
      return {
        kind: 'crashed',
        detail: `the dispatch wrapper (pid ${wrapperPidOf(runDir, recordedWrapperPid) ?? 'unknown'}) is gone and left no exit.json in ${runDir}`,
        orphanedAgent: orphanedAgent(runDir, runId),
      };
    }
  }
  // Only the wrapper writes exit.json, and it does so as it ends: while it runs, an exit.json
  // is not its (an agent can find the run directory and write one) and is not final.
  if (wrapperAlive(runDir, recordedWrapperPid)) return { kind: 'running' };
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

/**
 * The pid of an agent still running after its wrapper died. It is recognised by the run id in
 * its environment (Linux /proc), so a recycled pid is never taken for it.
 */
function orphanedAgent(runDir: string, runId: string): number | undefined {
  const pid = started(runDir).agent_pid;
  if (pid === undefined || !isProcessAlive(pid)) return undefined;
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined;
  }
  return environ.split('\0').includes(`PHASERUNNER_RUN_ID=${runId}`) ? pid : undefined;
}
