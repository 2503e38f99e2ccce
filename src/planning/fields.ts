// The pieces of the plan format that the config shares: a task id (config `execution.approvals`
// names tasks) and a check command (config `execution.integration_checks` has the shape of a
// task's `checks`). Kept apart from tasks-schema.ts so that the config schema can use them
// without an import cycle (tasks-schema.ts takes NAME_PATTERN from the config schema).
import { z } from 'zod';
import { refComponentProblem } from '../git/ref-component.js';

/** The characters a task id may have: those of `T-001`, and nothing a shell or a trailer would trip on. */
const TASK_ID_CHARS = /^[A-Za-z0-9][A-Za-z0-9._-]*$/;
const ID_CHARS_PROBLEM = 'must start with a letter or digit and contain only letters, digits, ".", "_" and "-"';

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

/** A task id as zod: `version` as for taskIdProblem. */
export function taskId(version: 1 | 2): z.ZodType<string> {
  // The pattern is in the JSON Schema too (editors check it); the rest is reported once, below.
  return z.string().regex(TASK_ID_CHARS, { error: (issue) => `task id ${JSON.stringify(issue.input)} ${ID_CHARS_PROBLEM}` }).superRefine((id, ctx) => {
    if (!TASK_ID_CHARS.test(id)) return;
    const problem = taskIdProblem(id, version);
    if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `task id ${JSON.stringify(id)} ${problem}` });
  });
}

/** Seconds a check may run when the plan does not say. */
export const DEFAULT_CHECK_TIMEOUT_SECONDS = 600;

/** One command: a task's acceptance (`checks`), or the config's `execution.integration_checks`. */
export const PlanCheckSchema = z
  .strictObject({
    argv: z.array(z.string().min(1)).min(1).describe('Program and arguments, run in the checkout (no shell), e.g. ["node", "--test", "test/parse.test.js"].'),
    timeout_seconds: z
      .number()
      .int()
      .min(1)
      .max(86_400)
      .default(DEFAULT_CHECK_TIMEOUT_SECONDS)
      .describe(`Seconds it may run before it is stopped and fails (default ${DEFAULT_CHECK_TIMEOUT_SECONDS}).`),
  })
  .describe('A command that must exit 0.');

export type PlanCheck = z.output<typeof PlanCheckSchema>;
