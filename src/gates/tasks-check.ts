// The `tasks` check: the task graph an execution workstream will run must be well formed.
// JSON Schema cannot express references between items, so this checks them directly. The
// file comes from a FileSource: the runner's staged tree, or a merge's tree in the audit.
import type { z } from 'zod';
import type { TasksCheck } from '../phases/schema.js';
import { parseJson, type FileSource, type SyncFileSource } from './files.js';
import { resultBase, type CheckResult } from './types.js';

type TasksCheckDef = z.output<typeof TasksCheck>;

interface TaskNode {
  readonly id: string;
  readonly deps: readonly string[];
}

export async function runTasksCheck(check: TasksCheckDef, files: FileSource): Promise<CheckResult> {
  return judgeTasks(check, await files.read(check.path));
}

/** The same check over files already in memory: the audit re-runs gates against history this way. */
export function runTasksCheckSync(check: TasksCheckDef, files: SyncFileSource): CheckResult {
  return judgeTasks(check, files.read(check.path));
}

function judgeTasks(check: TasksCheckDef, text: string | undefined): CheckResult {
  const base = resultBase('tasks', check.path, check.message);
  const read = parseJson(check.path, text);
  if (!read.ok) return { ...base, ok: false, message: read.message };
  const nodes = taskNodes(read.data);
  if (typeof nodes === 'string') return { ...base, ok: false, message: `${check.path}: ${nodes}` };
  const problems = graphProblems(nodes);
  if (problems.length > 0) return { ...base, ok: false, message: `${check.path}: ${problems.slice(0, 5).join(' ')}` };
  return { ...base, ok: true, message: `${check.path}: ${nodes.length} task(s), dependencies well formed.` };
}

function taskNodes(data: unknown): TaskNode[] | string {
  if (typeof data !== 'object' || data === null || !Array.isArray((data as { tasks?: unknown }).tasks)) {
    return 'expected an object with a "tasks" array.';
  }
  const nodes: TaskNode[] = [];
  for (const [i, task] of ((data as { tasks: unknown[] }).tasks).entries()) {
    const t = task as { id?: unknown; depends_on?: unknown };
    if (typeof t.id !== 'string') return `tasks[${i}] has no string "id".`;
    const deps = t.depends_on ?? [];
    if (!Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) {
      return `tasks[${i}] (${t.id}): "depends_on" must be an array of task ids.`;
    }
    nodes.push({ id: t.id, deps: deps as string[] });
  }
  return nodes;
}

/** Duplicate ids, dangling or self references, and cycles, each as a sentence. */
export function graphProblems(nodes: readonly TaskNode[]): string[] {
  const problems: string[] = [];
  const ids = new Map<string, TaskNode>();
  for (const node of nodes) {
    if (ids.has(node.id)) problems.push(`task id ${node.id} is used more than once.`);
    ids.set(node.id, node);
  }
  for (const node of nodes) {
    for (const dep of node.deps) {
      if (dep === node.id) problems.push(`${node.id} depends on itself.`);
      else if (!ids.has(dep)) problems.push(`${node.id} depends on ${dep}, which is not a task.`);
    }
  }
  const cycle = findCycle(ids);
  if (cycle !== undefined) problems.push(`dependency cycle: ${cycle.join(' -> ')}.`);
  return problems;
}

function findCycle(ids: ReadonlyMap<string, TaskNode>): string[] | undefined {
  const state = new Map<string, 'visiting' | 'done'>();
  const stack: string[] = [];
  const visit = (id: string): string[] | undefined => {
    const s = state.get(id);
    if (s === 'done') return undefined;
    if (s === 'visiting') return [...stack.slice(stack.indexOf(id)), id];
    state.set(id, 'visiting');
    stack.push(id);
    for (const dep of ids.get(id)?.deps ?? []) {
      if (dep === id || !ids.has(dep)) continue;
      const found = visit(dep);
      if (found !== undefined) return found;
    }
    stack.pop();
    state.set(id, 'done');
    return undefined;
  };
  for (const id of ids.keys()) {
    const found = visit(id);
    if (found !== undefined) return found;
  }
  return undefined;
}
