// Reading the agent's task from planning/tasks.json in its checkout. Plain JSON, not the plan
// loader (src/planning/plan.ts loads zod): the agent starts once per attempt and stays light,
// and the runner has validated the plan before dispatching any task of it. Only the fields the
// agent builds from are read, each checked for the shape it needs.

export const PLAN_FILE = 'planning/tasks.json';

export interface AgentTask {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly depends_on: readonly string[];
  readonly writes: readonly string[];
}

/** Thrown for a plan the agent cannot read its task from; main.ts exits 65 (bad data). */
export class PlanReadError extends Error {}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

function toTask(value: unknown): AgentTask | undefined {
  if (typeof value !== 'object' || value === null) return undefined;
  const t = value as Record<string, unknown>;
  if (typeof t['id'] !== 'string') return undefined;
  return {
    id: t['id'],
    title: typeof t['title'] === 'string' ? t['title'] : t['id'],
    description: typeof t['description'] === 'string' ? t['description'] : '',
    depends_on: strings(t['depends_on']),
    // A version 1 task may change anything (the loader's default).
    writes: Array.isArray(t['writes']) ? strings(t['writes']) : ['**'],
  };
}

/** Every task of the plan's text, in plan order. */
export function planTasks(text: string): AgentTask[] {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (error) {
    throw new PlanReadError(`${PLAN_FILE} is not valid JSON: ${(error as Error).message}`);
  }
  const tasks = typeof data === 'object' && data !== null ? (data as Record<string, unknown>)['tasks'] : undefined;
  if (!Array.isArray(tasks)) throw new PlanReadError(`${PLAN_FILE} has no "tasks" array`);
  return tasks.map(toTask).filter((t): t is AgentTask => t !== undefined);
}

/** The task `id` of the plan, or a PlanReadError naming what is missing. */
export function findTask(tasks: readonly AgentTask[], id: string): AgentTask {
  const task = tasks.find((t) => t.id === id);
  if (task === undefined) throw new PlanReadError(`${PLAN_FILE} has no task "${id}" (it has: ${tasks.map((t) => t.id).join(', ') || 'none'})`);
  return task;
}

/** The ids `id` depends on, directly or not (a cycle, which the runner refuses anyway, ends the walk). */
export function dependenciesOf(tasks: readonly AgentTask[], id: string): Set<string> {
  const seen = new Set<string>();
  const todo = [...(tasks.find((t) => t.id === id)?.depends_on ?? [])];
  for (let next = todo.pop(); next !== undefined; next = todo.pop()) {
    if (seen.has(next)) continue;
    seen.add(next);
    todo.push(...(tasks.find((t) => t.id === next)?.depends_on ?? []));
  }
  return seen;
}
