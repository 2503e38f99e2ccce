// Following a runner without being one: who holds the runner lock, read without taking it,
// and the next step to give while one does. A second `run --wait` would be refused (exit 75);
// `status --watch` follows read-only.
import { discoverRepo } from '../git/repo.js';
import { statePaths, type StatePaths } from '../paths.js';
import { isHolderDead, readHolder, type LockHolder } from './lock.js';
import type { StatusView } from './status.js';

/** The state paths of the repository at `cwd` (nothing is created). */
export async function statePathsAt(cwd: string): Promise<StatePaths> {
  return statePaths((await discoverRepo(cwd)).commonDir);
}

/**
 * The runner holding the lock, read-only; undefined when none does. A holder that died on
 * this host does not count (the next runner takes its lock over); one on another host cannot
 * be checked, so it counts, as it does for a runner that would be refused.
 */
export function liveHolder(lockFile: string): LockHolder | undefined {
  const holder = readHolder(lockFile);
  return holder === undefined || isHolderDead(holder) ? undefined : holder;
}

export const WATCH_COMMAND = 'phaserunner status --watch';

/** The next step while `holder` is working: follow it (any other runner would be refused). */
export function nextWithRunner(view: StatusView, holder: LockHolder | undefined): string {
  if (holder === undefined || view.complete) return view.next;
  const who = `pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
  const running = view.phases.find((p) => p.state === 'running');
  if (running !== undefined) {
    return `Phase ${running.phase} (${running.name}) is running (attempt ${running.attempts}), driven by another phaserunner (${who}) that collects the result. Follow it with \`${WATCH_COMMAND}\`.`;
  }
  return `Another phaserunner is working on this repository (${who}). Follow it with \`${WATCH_COMMAND}\`.`;
}
