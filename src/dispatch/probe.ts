// Looking at an attempt from outside: has the wrapper written exit.json, is it still alive?
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
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

/** The wrapper's pid: as the runner recorded it, or from what the wrapper wrote if the runner died first. */
function wrapperPidOf(runDir: string, recorded: number | null): number | null {
  return recorded ?? started(runDir).wrapper_pid ?? claimed(runDir)?.pid ?? null;
}

/** True while the attempt's wrapper runs. Its command line holds the run dir, so a recycled pid does not count. */
export function wrapperAlive(runDir: string, recordedWrapperPid: number | null): boolean {
  const pid = wrapperPidOf(runDir, recordedWrapperPid);
  return pid !== null && isProcessAlive(pid, runDir);
}

/**
 * The wrapper claims a run (claim.json, created exclusively) before it starts the agent. A
 * runner that finds no live wrapper and no claim takes the claim itself: from then on no
 * wrapper can start that attempt, so calling it crashed is safe however slowly a wrapper
 * started. A claim holds the claimer's pid, so a wrapper that died right after claiming is
 * still recognised as gone.
 */
function claimed(runDir: string): { readonly pid: number | null } | undefined {
  try {
    return JSON.parse(readFileSync(runFiles(runDir).claim, 'utf8')) as { pid: number | null };
  } catch {
    return undefined;
  }
}

/** True when this call took the claim: no wrapper will start the attempt now. */
function claimForRunner(runDir: string): boolean {
  try {
    writeFileSync(runFiles(runDir).claim, JSON.stringify({ pid: null, by: 'runner' }) + '\n', { flag: 'wx' });
    return true;
  } catch {
    return false;
  }
}

/**
 * exit.json decides: present and valid means the agent ended. Absent with a live wrapper
 * means it is still working; absent with a dead wrapper means the attempt crashed (and names
 * an agent the dead wrapper left running, for the caller to stop). Changes nothing but the
 * claim on an attempt no wrapper has claimed (see claimed()), so that none can start it later.
 */
export function probeAttempt(runDir: string, recordedWrapperPid: number | null, runId: string): AttemptProbe {
  const files = runFiles(runDir);
  if (!existsSync(files.exit)) {
    if (!existsSync(files.spec) && recordedWrapperPid === null) return { kind: 'not-started' };
    if (wrapperAlive(runDir, recordedWrapperPid)) return { kind: 'running' };
    // No live wrapper known: one may still be starting. Whoever claims the run first decides.
    if (claimed(runDir) === undefined && !claimForRunner(runDir) && wrapperAlive(runDir, recordedWrapperPid)) return { kind: 'running' };
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
  // The wrapper ends its agent's whole group before it writes exit.json. An agent still alive
  // means the wrapper died some other way, and the exit.json may be the agent's own.
  const orphan = orphanedAgent(runDir, runId);
  if (orphan !== undefined) {
    return { kind: 'crashed', detail: `the dispatch wrapper is gone while its agent (pid ${orphan}) still runs, so ${files.exit} is not the wrapper's`, orphanedAgent: orphan };
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
