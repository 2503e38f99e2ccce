// Looking at an attempt from outside: has the wrapper written exit.json, is it still alive,
// did it ever start the agent?
import { existsSync, readFileSync } from 'node:fs';
import type { Issue } from '../failures.js';
import { isProcessAlive } from '../util/process.js';
import { issuesOf } from '../util/validate.js';
import { readClaim, takeClaim, type Claim } from './claim.js';
import { ExitFileSchema, type ExitFile } from './exit-file.js';
import { wrapperMarker } from './launch.js';
import { attemptProcesses, RUN_ID_ENV } from './reap.js';
import { runFiles } from './run-dir.js';

export type AttemptProbe =
  | { readonly kind: 'running' }
  /**
   * No agent ever ran for this attempt: the run was recorded but never launched (no
   * dispatch.json), or the runner holds the claim of its current launch (claim.ts), so no
   * wrapper ever claimed it. `launch` is the one to start next. `wrapperFailures` counts the
   * launches whose wrapper the runner had recorded and that exited without claiming: not a
   * runner that was killed, but a wrapper that cannot start.
   */
  | { readonly kind: 'not-started'; readonly launch: number; readonly wrapperFailures: number }
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

/** The launch dispatch.json is for (1 for one that does not say), or undefined when there is no dispatch.json. */
function currentLaunch(runDir: string): number | undefined {
  let text: string;
  try {
    text = readFileSync(runFiles(runDir).spec, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const launch = (JSON.parse(text) as { launch?: unknown }).launch;
    return Number.isSafeInteger(launch) && (launch as number) >= 1 ? (launch as number) : 1;
  } catch {
    // Not the runner's writing (it writes atomically): its wrapper cannot have read it either.
    return 1;
  }
}

/**
 * The pid of the wrapper that claimed the attempt: its claim names it. A claim that cannot be
 * read falls back on what the wrapper wrote when it started the agent, then on the runner's record.
 */
function claimerPid(runDir: string, claim: Claim, recorded: number | null): number | null {
  return claim.by === 'wrapper' ? claim.pid : (started(runDir).wrapper_pid ?? recorded);
}

/**
 * True while the attempt's wrapper runs (its command line holds the run dir, so a recycled pid
 * does not count). A pid on record is always the current launch's wrapper: the runner clears
 * it before it launches again (startAgent), and only that launch's wrapper can still claim.
 */
export function wrapperAlive(runDir: string, recordedWrapperPid: number | null, recordedLaunch: number | null = null): boolean {
  if (recordedWrapperPid !== null) return isProcessAlive(recordedWrapperPid, runDir);
  const claim = readClaim(runDir, recordedLaunch ?? currentLaunch(runDir) ?? 1);
  const pid = claim === undefined ? null : claimerPid(runDir, claim, null);
  return pid !== null && isProcessAlive(pid, runDir);
}

/**
 * exit.json decides: present and valid means the agent ended. Absent with a live wrapper
 * means it is still working; absent with a dead wrapper means the attempt crashed (and names
 * an agent the dead wrapper left running, for the caller to stop). Changes nothing but the
 * claim of a launch no wrapper has claimed and no live wrapper is known for: the runner takes
 * it (claim.ts), so that none can start it later, and the attempt is then provably not started.
 */
export function probeAttempt(runDir: string, recordedWrapperPid: number | null, runId: string, recordedLaunch: number | null = null): AttemptProbe {
  const files = runFiles(runDir);
  const launch = currentLaunch(runDir);
  if (launch === undefined && recordedWrapperPid === null) return { kind: 'not-started', launch: recordedLaunch ?? 1, wrapperFailures: 0 };
  // The store's record decides which launch is current: dispatch.json says it too, but an
  // agent can rewrite that file, and a launch it made look retired would be started again.
  const n = recordedLaunch ?? launch ?? 1;
  let claim = readClaim(runDir, n);
  if (claim === undefined) {
    // The pid on record is this launch's wrapper (see wrapperAlive); alive, it may still claim.
    if (recordedWrapperPid !== null && isProcessAlive(recordedWrapperPid, wrapperMarker(runDir, n))) return { kind: 'running' };
    // No live wrapper known: one may still be starting (a runner killed before it recorded the
    // pid). Whoever claims the launch first decides; a wrapper that loses starts nothing.
    takeClaim(runDir, n, { by: 'runner', pid: null, wrapper_pid: recordedWrapperPid });
    claim = readClaim(runDir, n);
  }
  // The runner holds it, and held every earlier launch's before it launched the next: no
  // wrapper ever claimed this attempt, and no agent ran. It is started again, as the same attempt.
  if (claim?.by === 'runner') {
    // Unless something an agent leaves says otherwise: the claims lie in the run directory,
    // where an agent can rewrite them to be started again (and fingerprinted afresh, after
    // what it changed). An agent's trace is never there when no wrapper claimed a launch.
    const trace = agentTrace(runDir, runId);
    if (trace === undefined) return { kind: 'not-started', launch: n + 1, wrapperFailures: wrapperFailures(runDir, n) };
    return { kind: 'crashed', detail: `the claims in ${runDir} say no agent was started, but ${trace}: the run directory was tampered with`, orphanedAgent: undefined };
  }

  // A wrapper claimed the launch: it is the one that runs the attempt. Gone without exit.json,
  // the attempt crashed, even when started.json names no agent yet: the wrapper claims, then
  // spawns the agent (a fork and exec done before spawn() returns), then writes started.json,
  // so one killed in between leaves an agent nobody recorded, which may have run and changed
  // the checkout. Nothing proves it never started, so this is not started again blind.
  const pid = claim === undefined ? recordedWrapperPid : claimerPid(runDir, claim, recordedWrapperPid);
  const alive = (): boolean => pid !== null && isProcessAlive(pid, runDir);
  if (!existsSync(files.exit)) {
    if (alive()) return { kind: 'running' };
    // It may have written exit.json and exited between the two checks.
    if (!existsSync(files.exit)) {
      return {
        kind: 'crashed',
        detail: `the dispatch wrapper (pid ${pid ?? 'unknown'}) is gone and left no exit.json in ${runDir}`,
        orphanedAgent: orphanedAgent(runDir, runId),
      };
    }
  }
  // Only the wrapper writes exit.json, and it does so as it ends: while it runs, an exit.json
  // is not its (an agent can find the run directory and write one) and is not final.
  if (alive()) return { kind: 'running' };
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

/** What shows that an agent of the attempt ran (its wrapper's records, its processes), in words; undefined when nothing does. */
function agentTrace(runDir: string, runId: string): string | undefined {
  const files = runFiles(runDir);
  for (const file of [files.started, files.exit]) if (existsSync(file)) return `${file} exists`;
  const running = attemptProcesses(runId, undefined);
  if (running.length > 0) return `${running.length === 1 ? 'a process' : `${running.length} processes`} of the attempt still run (pid ${running.map((p) => p.pid).join(', ')})`;
  return undefined;
}

/** Launches up to `last` whose recorded wrapper exited without claiming (the runner's claim says so). */
function wrapperFailures(runDir: string, last: number): number {
  let count = 0;
  for (let launch = 1; launch <= last; launch++) {
    const claim = readClaim(runDir, launch);
    if (claim?.by === 'runner' && claim.wrapper_pid !== null) count++;
  }
  return count;
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
  return environ.split('\0').includes(`${RUN_ID_ENV}=${runId}`) ? pid : undefined;
}
