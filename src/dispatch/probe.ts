// Looking at an attempt from outside: has the wrapper written exit.json, is it still alive?
import { existsSync, readFileSync } from 'node:fs';
import type { Issue } from '../failures.js';
import { isProcessAlive, killGroup } from '../util/process.js';
import { issuesOf } from '../util/validate.js';
import { ExitFileSchema, type ExitFile } from './exit-file.js';
import { runFiles } from './run-dir.js';

export type AttemptProbe =
  | { readonly kind: 'running' }
  | { readonly kind: 'exited'; readonly exit: ExitFile }
  | { readonly kind: 'crashed'; readonly detail: string }
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

/**
 * exit.json decides: present and valid means the agent ended. Absent with a live wrapper
 * means it is still working; absent with a dead wrapper means the attempt crashed, and an
 * agent the dead wrapper left behind is stopped so it cannot keep writing.
 */
export function probeAttempt(runDir: string, recordedWrapperPid: number | null, runId: string): AttemptProbe {
  const files = runFiles(runDir);
  if (!existsSync(files.exit)) {
    // The runner may have died before recording the wrapper's pid; the wrapper records it too.
    const wrapperPid = recordedWrapperPid ?? started(runDir).wrapper_pid ?? null;
    // The wrapper's command line contains the run dir, so a recycled pid does not count.
    if (wrapperPid !== null && isProcessAlive(wrapperPid, runDir)) return { kind: 'running' };
    // It may have written exit.json and exited between the two checks.
    if (!existsSync(files.exit)) {
      const stopped = stopOrphanedAgent(runDir, runId);
      return {
        kind: 'crashed',
        detail:
          `the dispatch wrapper (pid ${wrapperPid ?? 'unknown'}) is gone and left no exit.json in ${runDir}` +
          (stopped === undefined ? '' : ` (its agent, pid ${stopped}, was still running and has been stopped)`),
      };
    }
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
 * Kills the process group of an agent whose wrapper died. The agent is recognised by the run
 * id in its environment (Linux /proc), so a recycled pid is never signalled.
 */
function stopOrphanedAgent(runDir: string, runId: string): number | undefined {
  const pid = started(runDir).agent_pid;
  if (pid === undefined || !isProcessAlive(pid)) return undefined;
  let environ: string;
  try {
    environ = readFileSync(`/proc/${pid}/environ`, 'utf8');
  } catch {
    return undefined;
  }
  if (!environ.split('\0').includes(`PHASERUNNER_RUN_ID=${runId}`)) return undefined;
  killGroup(pid, 'SIGKILL');
  return pid;
}
