// `status`: while a phase runs, the next step names the command that works now (follow.ts).
// A file of its own so that a status with no phase running loads none of the lock's code.
import type { StatusView } from './status.js';

/**
 * The view, with its next step naming `status --watch` while another runner drives a phase.
 * Only then is the lock looked at: it costs a git call, and `status` is measured at start-up.
 */
export async function withFollowHint(cwd: string, view: StatusView): Promise<StatusView> {
  if (!view.phases.some((p) => p.state === 'running')) return view;
  const { liveHolder, nextWithRunner, statePathsAt } = await import('./follow.js');
  const holder = liveHolder((await statePathsAt(cwd)).lock);
  return holder === undefined ? view : { ...view, next: nextWithRunner(view, holder) };
}
