// The plan's dependency graph, worked out once per plan: the runner asks the scheduler on every
// pass with the same tasks array, so the index and the reverse edges are cached by it.
import type { ScheduledTask } from './schedule-types.js';

export interface PlanGraph {
  /** Plan position by id. */
  readonly order: ReadonlyMap<string, number>;
  readonly byId: ReadonlyMap<string, ScheduledTask>;
  /** The tasks that name this one in `depends_on` (plan order). */
  readonly dependents: ReadonlyMap<string, readonly string[]>;
}

const graphs = new WeakMap<readonly ScheduledTask[], PlanGraph>();

export function planGraph(tasks: readonly ScheduledTask[]): PlanGraph {
  const known = graphs.get(tasks);
  if (known !== undefined) return known;
  const order = new Map<string, number>();
  const byId = new Map<string, ScheduledTask>();
  const dependents = new Map<string, string[]>();
  tasks.forEach((task, i) => {
    order.set(task.id, i);
    byId.set(task.id, task);
    dependents.set(task.id, []);
  });
  for (const task of tasks) {
    // A dependency named twice is one edge; one on an unknown id has no reverse edge (the task
    // can never be ready: the plan loader refuses such a plan, progress.ts reports it stuck).
    for (const dep of new Set(task.depends_on)) dependents.get(dep)?.push(task.id);
  }
  const graph = { order, byId, dependents };
  graphs.set(tasks, graph);
  return graph;
}

/**
 * Every task that depends on one of `roots`, directly or through others, in plan order (the
 * roots themselves only when one depends on another). Safe on a cyclic plan.
 */
export function transitiveDependents(graph: PlanGraph, roots: Iterable<string>): string[] {
  const seen = new Set<string>();
  const stack = [...roots].flatMap((id) => graph.dependents.get(id) ?? []);
  for (let id = stack.pop(); id !== undefined; id = stack.pop()) {
    if (seen.has(id)) continue;
    seen.add(id);
    stack.push(...(graph.dependents.get(id) ?? []));
  }
  return [...seen].sort((a, b) => (graph.order.get(a) ?? 0) - (graph.order.get(b) ?? 0));
}
