// The one loader of a plan (planning/tasks.json): the gate's `tasks` check, the execution
// runner and the audit all read a plan through parsePlan, so they agree on what a plan says and
// on what is wrong with one. It returns a normalised plan (version 1 given version 2's defaults)
// or every problem found, each naming the file and the field.
//
// zod is loaded with it: `status` must not import this module (it loads no zod).
import type { z } from 'zod';
import { formatIssuePath } from '../util/validate.js';
import type { PlanCheck } from './fields.js';
import { graphProblems, type TaskNode } from './graph.js';
import { PLAN_VERSION, TasksFileV1Schema, TasksFileV2Schema, type TaskV1, type TaskV2 } from './tasks-schema.js';

export type { PlanCheck } from './fields.js';

/** The path of a problem about the whole document (as formatIssuePath names it). */
const ROOT = '(root)';

/** What a version 1 task may change: everything, so that no two of them run at the same time. */
export const WRITES_ANYTHING: readonly string[] = ['**'];

/** A task as the runner uses it, whatever the plan's version. */
export interface NormalisedTask {
  readonly id: string;
  readonly title: string;
  readonly description?: string | undefined;
  readonly milestone?: string | undefined;
  readonly epic?: string | undefined;
  readonly depends_on: readonly string[];
  /** Globs it may change; ["**"] for a version 1 task. */
  readonly writes: readonly string[];
  /** Its commands, each with its timeout_seconds; [] for a version 1 task. */
  readonly checks: readonly PlanCheck[];
  readonly acceptance: readonly string[];
  readonly role?: string | undefined;
  readonly agent?: string | undefined;
  readonly timeout_minutes?: number | undefined;
  readonly max_attempts?: number | undefined;
  readonly approval?: boolean | undefined;
  /** Its index in the plan: the scheduler's tie-break. */
  readonly order: number;
}

export interface Plan {
  readonly version: 1 | 2;
  readonly tasks: readonly NormalisedTask[];
}

export interface PlanProblem {
  readonly file: string;
  /** The field, e.g. "tasks[2].writes[0]"; "(root)" for the document. */
  readonly path: string;
  readonly message: string;
}

export type PlanResult = { readonly ok: true; readonly plan: Plan } | { readonly ok: false; readonly problems: readonly PlanProblem[] };

export interface PlanOptions {
  /** The lowest version accepted: the built-in planning-complete gate requires 2 (an executable plan). */
  readonly minVersion?: number;
}

/** "planning/tasks.json: tasks[2].writes[0]: must ...", or for the document itself "planning/tasks.json: not valid JSON: ...". */
export function problemText(problem: PlanProblem): string {
  return problem.path === ROOT ? `${problem.file}: ${problem.message}` : `${problem.file}: ${problem.path}: ${problem.message}`;
}

/** Parses and validates a plan's text; `file` names it in every problem. */
export function parsePlan(text: string, file: string, options: PlanOptions = {}): PlanResult {
  let data: unknown;
  try {
    data = JSON.parse(text) as unknown;
  } catch (error) {
    return refused(file, [{ path: ROOT, message: `not valid JSON: ${(error as Error).message}` }]);
  }
  return planFromData(data, file, options);
}

/** The same, for JSON already parsed. */
export function planFromData(data: unknown, file: string, options: PlanOptions = {}): PlanResult {
  if (typeof data !== 'object' || data === null || Array.isArray(data)) {
    return refused(file, [{ path: ROOT, message: `not a plan: it must be an object, {"version": ${PLAN_VERSION}, "tasks": [...]}` }]);
  }
  const version = (data as { version?: unknown }).version;
  if (version !== 1 && version !== 2) {
    return refused(file, [{ path: 'version', message: `must be 1 or 2 (it is ${version === undefined ? 'missing' : JSON.stringify(version)}); write ${PLAN_VERSION}` }]);
  }
  const min = options.minVersion ?? 1;
  if (version < min) {
    return refused(file, [{ path: 'version', message: `must be ${min} (it is ${version}): an executable plan, every task with "writes" (the files it may change) and "checks" (commands)` }]);
  }
  const problems: { path: string; message: string }[] = [];
  const parsed = version === 1 ? TasksFileV1Schema.safeParse(data, { error: requiredMessage }) : TasksFileV2Schema.safeParse(data, { error: requiredMessage });
  if (!parsed.success) problems.push(...parsed.error.issues.map((i) => ({ path: formatIssuePath(i.path), message: i.message })));
  // The graph is judged even when fields are wrong, if ids and depends_on can be read: one
  // round of fixes, not two.
  const nodes = taskNodes(data);
  if (nodes !== undefined) {
    problems.push(...graphProblems(nodes));
    if (version === 2) problems.push(...caseCollisions(nodes));
  }
  if (problems.length > 0 || !parsed.success) return refused(file, problems);
  const plan = parsed.data;
  const tasks = plan.version === 1 ? plan.tasks.map(fromV1) : plan.tasks.map(fromV2);
  return { ok: true, plan: { version: plan.version, tasks } };
}

function common(task: TaskV1 | TaskV2, order: number): Omit<NormalisedTask, 'writes' | 'checks'> {
  return {
    id: task.id,
    title: task.title,
    description: task.description,
    milestone: task.milestone,
    epic: task.epic,
    depends_on: task.depends_on,
    acceptance: task.acceptance ?? [],
    order,
  };
}

/** Version 1 says nothing of what a task changes or how to check it: it may change anything, and has no checks of its own. */
function fromV1(task: TaskV1, order: number): NormalisedTask {
  return { ...common(task, order), writes: WRITES_ANYTHING, checks: [] };
}

function fromV2(task: TaskV2, order: number): NormalisedTask {
  return {
    ...common(task, order),
    writes: task.writes,
    checks: task.checks,
    role: task.role,
    agent: task.agent,
    timeout_minutes: task.timeout_minutes,
    max_attempts: task.max_attempts,
    approval: task.approval,
  };
}

function refused(file: string, problems: readonly { path: string; message: string }[]): PlanResult {
  return { ok: false, problems: problems.map((p) => ({ file, ...p })) };
}

/** zod's message for a missing field says "received undefined"; a person reads "required". */
function requiredMessage(issue: z.core.$ZodRawIssue): string | undefined {
  if (issue.code === 'invalid_type' && issue.input === undefined) return `required (expected ${issue.expected})`;
  return undefined;
}

/** Ids and dependencies, when every task has a string id and depends_on is absent or a list of strings. */
function taskNodes(data: object): TaskNode[] | undefined {
  const tasks = (data as { tasks?: unknown }).tasks;
  if (!Array.isArray(tasks)) return undefined;
  const nodes: TaskNode[] = [];
  for (const task of tasks as unknown[]) {
    if (typeof task !== 'object' || task === null) return undefined;
    const { id, depends_on: deps = [] } = task as { id?: unknown; depends_on?: unknown };
    if (typeof id !== 'string' || !Array.isArray(deps) || deps.some((d) => typeof d !== 'string')) return undefined;
    nodes.push({ id, deps: deps as string[] });
  }
  return nodes;
}

/** Branches differ only in case on a case-insensitive file system (macOS, Windows): one of them would be lost. */
function caseCollisions(nodes: readonly TaskNode[]): { path: string; message: string }[] {
  const seen = new Map<string, { id: string; index: number }>();
  const problems: { path: string; message: string }[] = [];
  for (const [i, node] of nodes.entries()) {
    const key = node.id.toLowerCase();
    const other = seen.get(key);
    if (other === undefined) seen.set(key, { id: node.id, index: i });
    else if (other.id !== node.id) {
      problems.push({ path: `tasks[${i}].id`, message: `task ids ${other.id} (tasks[${other.index}]) and ${node.id} differ only in case: their branches would be one on a case-insensitive file system` });
    }
  }
  return problems;
}
