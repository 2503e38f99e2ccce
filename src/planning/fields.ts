// The pieces of the plan format that the config shares: a task id (config `execution.approvals`
// names tasks) and a check command (config `execution.integration_checks` has the shape of a
// task's `checks`). Kept apart from tasks-schema.ts so that the config schema can use them
// without an import cycle (tasks-schema.ts takes NAME_PATTERN from the config schema).
import { z } from 'zod';
import { ID_CHARS_PROBLEM, TASK_ID_CHARS, taskIdProblem } from './task-id.js';

export { taskIdProblem };

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
