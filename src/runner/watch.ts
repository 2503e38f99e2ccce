// `status --watch`: snapshots of a workstream taken from outside, read-only. It never takes
// the runner lock and never writes the store or the state directory: the status comes from
// readStatus (the store opened read-only, the definitions cache only read), the lock is only
// read, and the agents are seen through their run files.
import { existsSync } from 'node:fs';
import { wrapperAlive } from '../dispatch/probe.js';
import { runFiles } from '../dispatch/run-dir.js';
import type { StatePaths } from '../paths.js';
import type { RunRow } from '../store/store.js';
import { liveHolder, nextWithRunner, statePathsAt } from './follow.js';
import type { LockHolder } from './lock.js';
import { latestOutputLine } from './progress.js';
import { readStatus, type StatusView } from './status.js';
import { withStoreReadOnly } from './store-open.js';
import { phaseOf } from '../workstream/step-id.js';

/** An agent dispatched and not yet collected. */
export interface WatchedAgent {
  readonly phase: number;
  readonly run_id: string;
  /** False once it has ended (exit.json written, or its wrapper gone): a runner must collect it. */
  readonly working: boolean;
  readonly elapsed_ms: number;
  /** What it did last (as `run --wait` shows it). */
  readonly line: string | null;
}

export interface WatchSnapshot {
  /** The status, as `status` gives it. */
  readonly view: StatusView;
  /** The runner holding the lock, or null. */
  readonly runner: LockHolder | null;
  readonly agents: readonly WatchedAgent[];
}

export class Watcher {
  private paths: StatePaths | undefined;

  constructor(private readonly cwd: string) {}

  async snapshot(): Promise<WatchSnapshot> {
    // Finding the repository fails outside one exactly as `status` does.
    this.paths ??= await statePathsAt(this.cwd);
    const { lock, db } = this.paths;
    // The lock is read before and after the status: a runner that let go before the status
    // was read had written everything first, so when neither read finds one, the view is final.
    const before = liveHolder(lock);
    const view = await readStatus(this.cwd, { saveCache: false });
    const runs = withStoreReadOnly(db, (store) => store?.activeRuns(view.workstream) ?? []);
    const runner = before ?? liveHolder(lock) ?? null;
    return {
      view: { ...view, next: nextWithRunner(view, runner ?? undefined) },
      runner,
      agents: runs.filter((run) => run.step === 'dispatched').map(watched),
    };
  }
}

function watched(run: RunRow): WatchedAgent {
  const ended = existsSync(runFiles(run.run_dir).exit) || !wrapperAlive(run.run_dir, run.wrapper_pid, run.launch);
  return {
    phase: phaseOf(run),
    run_id: run.run_id,
    working: !ended,
    elapsed_ms: Date.now() - Date.parse(run.dispatched_at),
    line: ended ? null : (latestOutputLine(run.run_dir) ?? null),
  };
}

/**
 * True when nothing will change without a human: planning is complete, or no runner holds
 * the lock and no agent is working (an agent that ended waits for a `run` to collect it).
 */
export function watchSettled(s: WatchSnapshot): boolean {
  return s.view.complete || (s.runner === null && s.agents.every((a) => !a.working));
}
