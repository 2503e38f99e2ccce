// Finding and stopping what an attempt left running. The dispatch wrapper is a child
// subreaper where the machine allows (launch.ts): every process the agent starts and
// abandons (a daemon that called setsid, a double fork) becomes the wrapper's child rather
// than init's, so the processes below the wrapper are all the attempt's. Wherever they are,
// processes whose environment still names the run (RUN_ID_ENV) are the attempt's too: that
// also finds a daemon that escaped a wrapper without the subreaper, or one whose wrapper died.
// Loaded by the wrapper: node built-ins only.
import type { ProcessEntry } from '../util/procfs.js';
import { commandOf, descendantsOf, environValue, hasProcfs, liveProcesses } from '../util/procfs.js';

/** Carries the run id into the agent's environment and everything it starts (a mark doctor and the wrapper look for). */
export const RUN_ID_ENV = 'PHASERUNNER_RUN_ID';

/** At most this many stragglers are named in exit.json (the count says how many there were). */
export const STRAGGLERS_NAMED = 10;

export interface Straggler {
  readonly pid: number;
  readonly argv0: string;
}

export interface Reaped {
  /** Every process found still running, in the order found. */
  readonly stragglers: readonly Straggler[];
  /** Those that could not be stopped before the deadline (another user's, stuck in the kernel). */
  readonly survivors: readonly number[];
}

export interface ReapOptions {
  readonly runId: string;
  /** The wrapper: its descendants are the attempt's. Undefined when it is gone (the runner reaps). */
  readonly below?: number;
  /** How long processes may take to end by themselves (ones the agent stopped as it exited) before they count. */
  readonly settleMs: number;
  /** How long to keep stopping them. */
  readonly deadlineMs: number;
  /**
   * Only processes started then or later (clock ticks since boot, procfs.ts startTicksOf): the
   * wrapper's own start, since every process of its attempt is younger. Spares reading the
   * environment of every older process on the machine each time round.
   */
  readonly since?: number | undefined;
}

/** The live processes of the attempt: below `below`, or carrying the run id (and started since `since`), never this one. */
export function attemptProcesses(runId: string, below: number | undefined, since?: number): ProcessEntry[] {
  const all = liveProcesses();
  const found = new Map<number, ProcessEntry>();
  if (below !== undefined) for (const p of descendantsOf(below, all)) found.set(p.pid, p);
  for (const p of all) {
    if (found.has(p.pid) || p.pid === process.pid || p.pid === below || (since !== undefined && p.startTicks < since)) continue;
    if (environValue(p.pid, RUN_ID_ENV) === runId) found.set(p.pid, p);
  }
  return [...found.values()];
}

/**
 * Stops every process of the attempt: each is first stopped (SIGSTOP: a stopped process cannot
 * fork a child out of the way), then killed, and the search repeats until none is found (a
 * child forked just before its parent was stopped is found the next time round) or the
 * deadline passes. Returns what was found; nothing when the machine has no /proc.
 */
export async function reapAttempt(options: ReapOptions): Promise<Reaped> {
  if (!hasProcfs) return { stragglers: [], survivors: [] };
  const find = (): ProcessEntry[] => attemptProcesses(options.runId, options.below, options.since);
  let found = find();
  const settled = Date.now() + options.settleMs;
  while (found.length > 0 && Date.now() < settled) {
    await pause(20);
    found = find();
  }
  const stragglers = new Map<number, Straggler>();
  const deadline = Date.now() + options.deadlineMs;
  while (found.length > 0) {
    for (const p of found) signal(p.pid, 'SIGSTOP');
    for (const p of found) if (!stragglers.has(p.pid)) stragglers.set(p.pid, { pid: p.pid, argv0: commandOf(p.pid) });
    for (const p of found) signal(p.pid, 'SIGKILL');
    await pause(10);
    found = find();
    if (Date.now() > deadline) break;
  }
  return { stragglers: [...stragglers.values()], survivors: found.map((p) => p.pid) };
}

/** "pid 12 \"sleep\", pid 15 \"sh\" and 3 more": at most STRAGGLERS_NAMED of them, for a reason or a log. */
export function nameStragglers(named: readonly Straggler[], count = named.length): string {
  const shown = named.slice(0, STRAGGLERS_NAMED).map((p) => `pid ${p.pid} ${JSON.stringify(p.argv0)}`);
  const more = count - shown.length;
  return `${shown.join(', ')}${more > 0 ? ` and ${more} more` : ''}`;
}

function signal(pid: number, name: NodeJS.Signals): void {
  try {
    process.kill(pid, name);
  } catch {
    // Gone already, or not ours to signal (it is then reported as a survivor).
  }
}

function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
