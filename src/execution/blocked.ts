// Which tasks are `blocked`, and by what. A task is blocked when a task it depends on,
// directly or through others, cannot be merged without a human: failed for good (attempts used
// up, or a failure a human must look at) or in `conflict` (the merge queue will not resolve it).
// The cause named is that root task, not the blocked task in between, because the root is
// where the human acts. Independent tasks are not touched: they go on.
//
// A conflict blocks its dependents as a failure for good does, so status gives them a reason
// and `run --wait` knows they wait on a human; a task whose dependency merely failed once (and
// will be retried) is not blocked: it is pending, and waits.
//
// Blocking is undone the same way it is done: when the root is retried (or resolved), it is no
// longer a root, its dependents have no cause left and go back to pending.
import { planGraph } from './plan-graph.js';
import { progressOf, type SchedulerState, type TaskProgress } from './schedule-types.js';

export interface BlockedTask {
  readonly id: string;
  /** The root tasks (failed for good or in conflict) it transitively depends on, plan order. */
  readonly causes: readonly string[];
}

export interface BlockChanges {
  /** `pending` → `blocked`, each with its causes (plan order). */
  readonly block: readonly BlockedTask[];
  /** `blocked` → `pending`: no cause is left (it was retried, or resolved). */
  readonly unblock: readonly string[];
  /** Every task blocked once these changes are made, with its causes: the reason to show. */
  readonly causes: ReadonlyMap<string, readonly string[]>;
}

/** True when a task cannot be merged without a human, so its dependents are blocked by it. */
export function isBlockingRoot(progress: TaskProgress): boolean {
  return (progress.state === 'failed' && progress.failedForGood === true) || progress.state === 'conflict';
}

/** The causes of every task that should be blocked now (those not yet started: pending or blocked). */
export function blockCauses(state: SchedulerState): ReadonlyMap<string, readonly string[]> {
  const graph = planGraph(state.tasks);
  const memo = new Map<string, ReadonlySet<string>>();
  const NONE: ReadonlySet<string> = new Set();
  // The roots a task depends on. A task being worked out is taken as having none, so that a
  // cyclic plan (which the loader refuses) ends rather than recursing forever.
  const rootsUnder = (id: string): ReadonlySet<string> => {
    const known = memo.get(id);
    if (known !== undefined) return known;
    memo.set(id, NONE);
    const roots = new Set<string>();
    for (const dep of graph.byId.get(id)?.depends_on ?? []) {
      if (!graph.byId.has(dep)) continue;
      if (isBlockingRoot(progressOf(state, dep))) roots.add(dep);
      else for (const root of rootsUnder(dep)) roots.add(root);
    }
    memo.set(id, roots);
    return roots;
  };
  const causes = new Map<string, readonly string[]>();
  for (const task of state.tasks) {
    const current = progressOf(state, task.id).state;
    // Only a task not started can be blocked: one that started had its dependencies merged.
    if (current !== 'pending' && current !== 'blocked') continue;
    const roots = rootsUnder(task.id);
    if (roots.size > 0) causes.set(task.id, [...roots].sort((a, b) => (graph.order.get(a) ?? 0) - (graph.order.get(b) ?? 0)));
  }
  return causes;
}

/** The transitions that make the tasks' `blocked` states agree with their dependencies. */
export function blockedBy(state: SchedulerState): BlockChanges {
  const causes = blockCauses(state);
  const block: BlockedTask[] = [];
  const unblock: string[] = [];
  for (const task of state.tasks) {
    const current = progressOf(state, task.id).state;
    const cause = causes.get(task.id);
    if (current === 'pending' && cause !== undefined) block.push({ id: task.id, causes: cause });
    else if (current === 'blocked' && cause === undefined) unblock.push(task.id);
  }
  return { block, unblock, causes };
}
