// planning/tasks.json, phase 4's output and the input of the execution workstream.
// schema/tasks.schema.json is generated from TasksFileSchema (both versions). The one loader
// of a plan is src/planning/plan.ts; these schemas are its field rules.
//
// Version 1: a task graph for humans (id, title, depends_on). Version 2: an executable plan;
// each task also says which files it may change (`writes`) and how to tell it is done
// (`checks`, commands), and may choose its role, agent, timeout, attempts and approval.
import { z } from 'zod';
import { NAME_PATTERN } from '../config/schema.js';
import { checkRelativePattern } from '../util/glob.js';
import { PlanCheckSchema, taskId } from './fields.js';

/** The newest plan version; the built-in planning-complete gate requires it. */
export const PLAN_VERSION = 2;

const shared = {
  title: z.string().min(1),
  description: z.string().optional(),
  milestone: z.string().optional(),
  epic: z.string().optional(),
  depends_on: z.array(z.string()).describe('Ids of tasks that must be done first; [] for none.'),
  acceptance: z.array(z.string()).optional().describe('How to tell the task is done, for humans.'),
};

export const TaskV1Schema = z.looseObject({
  id: taskId(1).describe('Unique task id, e.g. T-001.'),
  ...shared,
});

export const TasksFileV1Schema = z.looseObject({
  version: z.literal(1),
  tasks: z.array(TaskV1Schema).min(1),
});

/** A path or glob a task may change, relative to the repository root (as a phase's outputs). */
const WriteGlob = z.string().superRefine((value, ctx) => {
  const problem = checkRelativePattern(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `path ${JSON.stringify(value)} ${problem}` });
});

export const TaskV2Schema = z.strictObject({
  id: taskId(2).describe('Unique task id, e.g. T-001: it names the branch phaserunner/execution/<id>.'),
  ...shared,
  writes: z
    .array(WriteGlob)
    .min(1)
    .describe('Paths or globs (relative to the repository root) the task may change; a change outside them fails its attempt. Tasks whose writes overlap never run at the same time.'),
  checks: z
    .array(PlanCheckSchema)
    .min(1)
    .describe("Commands that must pass in the task's checkout, and again on the merge candidate, for the task to be done."),
  role: z.string().regex(NAME_PATTERN).max(40).optional().describe('The role the agent is given in its prompt, e.g. "implementer" or "tester".'),
  agent: z.string().regex(NAME_PATTERN).optional().describe('A configured agent name for this task (default: the config\'s agent).'),
  timeout_minutes: z.number().min(0.01).max(7 * 24 * 60).optional().describe("Minutes an attempt's agent may run before it is stopped (default: the config's timeouts)."),
  max_attempts: z.number().int().min(1).max(100).optional().describe("Attempts for this task, retries included (default: the config's max_attempts)."),
  approval: z.boolean().optional().describe('A human approves the task before it is merged.'),
});

export const TasksFileV2Schema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(2),
  tasks: z.array(TaskV2Schema).min(1),
});

/** Either version, told apart by `version`: what `builtin:tasks` validates against. */
export const TasksFileSchema = z.discriminatedUnion('version', [TasksFileV1Schema, TasksFileV2Schema]);

export type TaskV1 = z.output<typeof TaskV1Schema>;
export type TaskV2 = z.output<typeof TaskV2Schema>;
export type TasksFile = z.output<typeof TasksFileSchema>;
