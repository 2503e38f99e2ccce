// planning/tasks.json, phase 4's output and the input of execution workstreams.
// schema/tasks.schema.json is generated from this.
import { z } from 'zod';

export const TaskSchema = z.looseObject({
  id: z.string().regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/).describe('Unique task id, e.g. T-001.'),
  title: z.string().min(1),
  description: z.string().optional(),
  milestone: z.string().optional(),
  epic: z.string().optional(),
  depends_on: z.array(z.string()).describe('Ids of tasks that must be done first; [] for none.'),
  acceptance: z.array(z.string()).optional().describe('How to tell the task is done.'),
});

export const TasksFileSchema = z.looseObject({
  version: z.literal(1),
  tasks: z.array(TaskSchema).min(1),
});

export type TasksFile = z.output<typeof TasksFileSchema>;
