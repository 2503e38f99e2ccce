// Which tasks to dispatch now. Pure: the runner passes the plan's tasks and each one's state,
// and dispatches what comes back, in that order. The rules (docs/execution.md):
//  - ready: every `depends_on` is merged into the base, and the task is pending (or failed, not
//    for good, when retries are automatic);
//  - at most `concurrency` tasks take a slot (running or verifying); a task in the merge queue
//    (queued, integrating) or awaiting approval takes none;
//  - no two tasks whose `writes` may overlap are in flight together: a claim is held from
//    dispatch until merged or failed (task-states.ts says which states hold one), and a task
//    chosen in this round holds one against the next;
//  - closest to done first, then plan order (priority.ts).
// A ready task whose claim collides is passed over for the next one (the slot is not left idle
// for it); it is first again when the claim in its way is released.
import { globsMayOverlap } from './globs-overlap.js';
import { planGraph } from './plan-graph.js';
import { byPriority } from './priority.js';
import { progressOf, type DispatchOptions, type ScheduledTask, type SchedulerState } from './schedule-types.js';
import { holdsClaim, takesSlot } from './task-states.js';

/**
 * Tasks whose dependencies are all merged and that may be dispatched (pending, or failed and
 * retryable under `auto`), closest to done first. Concurrency and claims are not applied.
 */
export function readyTasks(state: SchedulerState, options: Pick<DispatchOptions, 'retry'>): string[] {
  const graph = planGraph(state.tasks);
  const retry = options.retry ?? 'auto';
  const merged = (id: string): boolean => graph.byId.has(id) && progressOf(state, id).state === 'merged';
  const ready = state.tasks
    .filter((task) => {
      const progress = progressOf(state, task.id);
      const startable = progress.state === 'pending' || (progress.state === 'failed' && retry === 'auto' && progress.failedForGood !== true);
      return startable && task.depends_on.every(merged);
    })
    .map((task) => task.id);
  return ready.sort(byPriority(state));
}

/** The tasks to dispatch now, in the order to dispatch them (see the rules above). */
export function nextToDispatch(state: SchedulerState, options: DispatchOptions): string[] {
  const graph = planGraph(state.tasks);
  const claims: ScheduledTask[] = [];
  let busy = 0;
  for (const task of state.tasks) {
    const current = progressOf(state, task.id).state;
    if (takesSlot(current)) busy++;
    if (holdsClaim(current)) claims.push(task);
  }
  const chosen: string[] = [];
  // A concurrency that is not a number dispatches nothing rather than everything.
  const free = (Number.isNaN(options.concurrency) ? 0 : Math.floor(options.concurrency)) - busy;
  for (const id of readyTasks(state, options)) {
    if (chosen.length >= free) break;
    const task = graph.byId.get(id);
    if (task === undefined) continue;
    if (claims.some((held) => globsMayOverlap(held.writes, task.writes))) continue;
    chosen.push(id);
    claims.push(task);
  }
  return chosen;
}
