// The task graph of a plan: JSON Schema cannot express references between items, so these
// are checked directly. Each problem names the field it is about (`tasks[2].depends_on[0]`).

export interface TaskNode {
  readonly id: string;
  readonly deps: readonly string[];
}

export interface GraphProblem {
  /** The field, e.g. "tasks[2].depends_on[0]". */
  readonly path: string;
  /** A sentence, without its full stop (problems are listed with "; "). */
  readonly message: string;
}

/** Duplicate ids, dangling or self references, and a cycle, each as a sentence with its field. */
export function graphProblems(nodes: readonly TaskNode[]): GraphProblem[] {
  const problems: GraphProblem[] = [];
  const index = new Map<string, number>();
  for (const [i, node] of nodes.entries()) {
    const first = index.get(node.id);
    if (first !== undefined) problems.push({ path: `tasks[${i}].id`, message: `task id ${node.id} is used more than once (also by tasks[${first}])` });
    else index.set(node.id, i);
  }
  for (const [i, node] of nodes.entries()) {
    for (const [k, dep] of node.deps.entries()) {
      const path = `tasks[${i}].depends_on[${k}]`;
      if (dep === node.id) problems.push({ path, message: `${node.id} depends on itself` });
      else if (!index.has(dep)) problems.push({ path, message: `${node.id} depends on ${dep}, which is not a task` });
    }
  }
  const cycle = findCycle(nodes, index);
  if (cycle !== undefined) {
    const at = index.get(cycle[0] ?? '') ?? 0;
    problems.push({ path: `tasks[${at}].depends_on`, message: `dependency cycle: ${cycle.join(' -> ')}` });
  }
  return problems;
}

/** A cycle as ids (the first repeated at the end), or undefined. Self and dangling references are reported apart. */
function findCycle(nodes: readonly TaskNode[], index: ReadonlyMap<string, number>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const depsOf = (id: string): readonly string[] => nodes[index.get(id) ?? -1]?.deps ?? [];
  // Iterative depth-first search: a plan written by an agent may chain thousands of tasks,
  // deeper than the call stack goes.
  for (const root of index.keys()) {
    if (state.has(root)) continue;
    const frames: { id: string; next: number }[] = [{ id: root, next: 0 }];
    state.set(root, 'visiting');
    stack.push(root);
    while (frames.length > 0) {
      const frame = frames[frames.length - 1];
      if (frame === undefined) break;
      const deps = depsOf(frame.id);
      if (frame.next >= deps.length) {
        frames.pop();
        stack.pop();
        state.set(frame.id, 'done');
        continue;
      }
      const dep = deps[frame.next++] ?? '';
      if (dep === frame.id || !index.has(dep)) continue;
      const s = state.get(dep);
      if (s === 'done') continue;
      if (s === 'visiting') return [...stack.slice(stack.indexOf(dep)), dep];
      state.set(dep, 'visiting');
      stack.push(dep);
      frames.push({ id: dep, next: 0 });
    }
  }
  return undefined;
}
