// What a task id may be, without zod (the CLI checks a verb's <phase> with it, before any plan
// is loaded): fields.ts builds the plan's zod field from the same rule.
import { refComponentProblem } from '../git/ref-component.js';

/** The characters a task id may have: those of `T-001`, and nothing a shell or a trailer would trip on. */
export const TASK_ID_CHARS = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
export const ID_CHARS_PROBLEM = 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"';

/**
 * Why `id` cannot be a task id, or undefined when it can. A task id names the branch
 * `phaserunner/execution/<id>`, so it must be a valid ref component (src/git/ref-component.ts),
 * on top of the character set version 1 of the plan already had. Version 2 also refuses an id
 * of digits only: tasks are addressed by id where a phase number is accepted (`retry T-003`),
 * and `retry 3` must keep meaning phase 3.
 */
export function taskIdProblem(id: string, version: 1 | 2 = 2): string | undefined {
  if (!TASK_ID_CHARS.test(id)) return ID_CHARS_PROBLEM;
  const ref = refComponentProblem(id);
  if (ref !== undefined) return `${ref}: it names the branch phaserunner/execution/<id>`;
  if (version === 2 && /^[0-9]+$/.test(id)) return 'must not be digits only (a number names a planning phase): e.g. "T-001"';
  return undefined;
}

