// "Closest to done first, then plan order": the order in which ready tasks get the free slots.
// Concretely, a ready task A goes before a ready task B when, in this order:
//
//  1. A has already spent attempts and B has not. A retry is the task closest to done: its
//     work was dispatched, checked and failed (or was rejected, or lost the merge queue), the
//     failure is in its next prompt, its dependents have waited longest, and its attempt ref
//     and run directory are kept until it ends. Only "some or none": a task that failed more
//     often is not closer to done, it is more likely to fail again.
//  2. A heads a longer chain of work still to do: the most tasks on one path from it through
//     the tasks that depend on it (itself included), counting only tasks that can still run
//     (not merged, not blocked). This is the critical path first (Hu's "highest level first"
//     list scheduling): with unit-length tasks it is optimal for in-trees, and on a DAG it keeps
//     the longest chain moving so the slots are not left idle at the end waiting for it, which
//     is what keeps the makespan near max(critical path, total work / concurrency). Task length
//     is unknown before a task runs, so every task counts as one.
//  3. A comes first in the plan: the author's order, and a stable, predictable one.
import { blockCauses, isBlockingRoot } from './blocked.js';
import { planGraph } from './plan-graph.js';
import { progressOf, type SchedulerState } from './schedule-types.js';

/** For each task that can still run, the number of tasks on the longest chain it heads. */
export function remainingChains(state: SchedulerState): ReadonlyMap<string, number> {
  const graph = planGraph(state.tasks);
  const causes = blockCauses(state);
  const dead = (id: string): boolean => {
    const progress = progressOf(state, id);
    return progress.state === 'merged' || causes.has(id) || isBlockingRoot(progress);
  };
  const chains = new Map<string, number>();
  const chainOf = (id: string): number => {
    const known = chains.get(id);
    if (known !== undefined) return known;
    // Taken as 1 while being worked out: a cyclic plan (refused by the loader) still ends.
    chains.set(id, 1);
    let longest = 0;
    for (const next of graph.dependents.get(id) ?? []) if (!dead(next)) longest = Math.max(longest, chainOf(next));
    chains.set(id, 1 + longest);
    return 1 + longest;
  };
  for (const task of state.tasks) if (!dead(task.id)) chainOf(task.id);
  return chains;
}

/** A comparator putting the task closest to done first (see above). */
export function byPriority(state: SchedulerState): (a: string, b: string) => number {
  const graph = planGraph(state.tasks);
  const chains = remainingChains(state);
  const retried = (id: string): number => (progressOf(state, id).attempts > 0 ? 1 : 0);
  return (a, b) =>
    retried(b) - retried(a) ||
    (chains.get(b) ?? 0) - (chains.get(a) ?? 0) ||
    (graph.order.get(a) ?? 0) - (graph.order.get(b) ?? 0);
}
