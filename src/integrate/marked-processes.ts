// The processes of the merge queue's checks, found by a mark in their environment, so that
// nothing a check started (a server a test suite left behind, a daemon that left the check's
// process group) goes on working in a checkout that is about to be removed, and a runner
// restarted after a crash can stop what the dead one's checks left running.
import { ancestryOf, environValue, hasProcfs, liveProcesses, type ProcessEntry } from '../util/procfs.js';

/**
 * Set in every check's environment (and so inherited by all it starts) to the checkout the
 * check runs in. /proc shows the environment a process started with: a match proves the
 * process is a check's, a process that dropped the variable is not found (its group still is,
 * for a check's own, when it times out).
 */
export const INTEGRATION_ENV = 'PHASERUNNER_INTEGRATION';

/** How long stopping may take before the survivors are left (another user's, stuck in the kernel). */
const DEADLINE_MS = 5_000;

/**
 * Which marked processes to look at: `which` on its mark, and, with `since` (clock ticks since
 * boot, procfs.ts startTicksOf), only those started then or later. Reading a process's
 * environment is what a search costs (one file per process on the machine, ~10 ms a search
 * on a busy one, several per task), and a check's processes are all younger than the check.
 */
export interface MarkedFilter {
  readonly which: (checkout: string) => boolean;
  readonly since?: number | undefined;
}

/** The live processes the filter selects; never this process or its ancestors. */
export function markedProcesses(filter: MarkedFilter | ((checkout: string) => boolean)): ProcessEntry[] {
  const { which, since } = typeof filter === 'function' ? { which: filter, since: undefined } : filter;
  const all = liveProcesses();
  const own = new Set(ancestryOf(process.pid, all));
  return all.filter((p) => {
    if (own.has(p.pid) || (since !== undefined && p.startTicks < since)) return false;
    const value = environValue(p.pid, INTEGRATION_ENV);
    return value !== undefined && which(value);
  });
}

/**
 * Stops every marked process `which` selects: each is stopped (SIGSTOP: a stopped process
 * cannot fork out of the way), then killed, and the search repeats until none is left or the
 * deadline passes (as src/dispatch/reap.ts stops an attempt's). Returns how many were found;
 * nothing is found on a machine without /proc.
 */
export async function stopMarked(which: MarkedFilter | ((checkout: string) => boolean)): Promise<number> {
  if (!hasProcfs) return 0;
  const seen = new Set<number>();
  const deadline = Date.now() + DEADLINE_MS;
  for (let found = markedProcesses(which); found.length > 0 && Date.now() < deadline; found = markedProcesses(which)) {
    for (const p of found) signal(p.pid, 'SIGSTOP');
    for (const p of found) {
      seen.add(p.pid);
      signal(p.pid, 'SIGKILL');
    }
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
  return seen.size;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already, or not ours to signal.
  }
}
