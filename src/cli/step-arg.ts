// What a verb's <phase> argument names: a planning phase (a number), or an execution task (its
// id, T-003: tasks are addressed by id wherever a phase number is accepted).
import { UsageError } from './check-args.js';
import { taskIdProblem } from '../planning/task-id.js';

/** What a verb's <phase> names: a planning phase (a number), or an execution task (its id, T-003). */
export type StepArg = { readonly kind: 'phase'; readonly phase: number } | { readonly kind: 'task'; readonly id: string };

export function stepArg(text: string): StepArg {
  if (/^[0-9]+$/.test(text)) return { kind: 'phase', phase: Number(text) };
  // By the plan's own rule for a task id (it names a branch): no plan could have another.
  if (taskIdProblem(text) === undefined) return { kind: 'task', id: text };
  throw new UsageError(`<phase> must be a number, such as 2, or a task id, such as T-003 (not ${JSON.stringify(text)}).`);
}

