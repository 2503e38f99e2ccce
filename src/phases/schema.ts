// Phase and gate definitions: data files in phases/ and .phaserunner/phases/.
// schema/phase.schema.json and schema/gate.schema.json are generated from these.
import { z } from 'zod';
import { NAME_PATTERN } from '../config/schema.js';
import { PLAN_VERSION } from '../planning/tasks-schema.js';
import { checkRelativePattern } from '../util/glob.js';

const RelativePattern = z.string().superRefine((value, ctx) => {
  const problem = checkRelativePattern(value);
  if (problem !== undefined) ctx.addIssue({ code: 'custom', message: `path ${JSON.stringify(value)} ${problem}` });
});

const LiteralPath = RelativePattern.refine((value) => !/[*?[{]/.test(value), 'must be a file path, not a glob');

const RegexSource = z.string().superRefine((value, ctx) => {
  try {
    new RegExp(value, 'm');
  } catch (error) {
    ctx.addIssue({ code: 'custom', message: `not a valid regular expression: ${(error as Error).message}` });
  }
});

const hint = z.string().min(1).optional().describe('Shown with a failure: what to do about it.');

export const FileCheck = z
  .strictObject({
    kind: z.literal('file'),
    path: RelativePattern.describe('A file path or glob, relative to the repository root.'),
    min_count: z.number().int().min(0).optional().describe('Files that must match (default 1).'),
    non_empty: z.boolean().optional().describe('Each matching file must have non-blank content (default true).'),
    must_match: RegexSource.optional().describe('A regular expression every matching file must contain.'),
    must_not_match: RegexSource.optional().describe('A regular expression no matching file may contain.'),
    message: hint,
  })
  .describe('Files exist, are not empty, and do or do not contain a pattern.');

export const JsonCheck = z
  .strictObject({
    kind: z.literal('json'),
    path: LiteralPath,
    schema: z.string().min(1).describe('"builtin:tasks", or a JSON Schema file relative to the repository root.'),
    message: hint,
  })
  .describe('A JSON file validates against a JSON Schema.');

export const TasksCheck = z
  .strictObject({
    kind: z.literal('tasks'),
    path: LiteralPath,
    min_version: z
      .number()
      .int()
      .min(1)
      .max(PLAN_VERSION)
      .optional()
      .describe(`The lowest plan version accepted (default 1): ${PLAN_VERSION} requires an executable plan, every task with writes and checks.`),
    message: hint,
  })
  .describe('A task plan (planning/tasks.json, version 1 or 2): valid fields, unique ids, every depends_on names a task, no dependency cycles.');

export const CommandCheck = z
  .strictObject({
    kind: z.literal('command'),
    argv: z.array(z.string().min(1)).min(1).describe('Program and arguments, run in the checkout (no shell).'),
    timeout_seconds: z.number().positive().max(3600).default(60),
    message: hint,
  })
  .describe('A command exits 0 within its timeout; its output is kept.');

export const ApprovalCheck = z
  .strictObject({
    kind: z.literal('approval'),
    message: hint,
  })
  .describe(
    'A human approves the outputs this gate checks (`phaserunner approve N`) before they are merged; the phase waits in awaiting_approval meanwhile.',
  );

export const Check = z.discriminatedUnion('kind', [FileCheck, JsonCheck, TasksCheck, CommandCheck, ApprovalCheck]);
export type Check = z.output<typeof Check>;

export const PhaseDefinitionSchema = z.strictObject({
  $schema: z.string().optional(),
  id: z.number().int().min(1).max(99).describe('Phase number; phases run in ascending order.'),
  name: z.string().regex(NAME_PATTERN).max(60).describe('Short kebab-case name, used in branch names.'),
  title: z.string().min(1),
  role: z.string().regex(NAME_PATTERN).max(40),
  reads: z.array(RelativePattern).default([]).describe('Repository files the agent should read (globs).'),
  outputs: z.array(RelativePattern).min(1).describe('Files the agent must write (globs). Nothing else may change.'),
  prompt: z
    .union([z.string(), z.array(z.string())])
    .transform((value) => (Array.isArray(value) ? value.join('\n') : value))
    .describe('The phase task, as text or lines. Placeholders: {{role}} {{phase}} {{name}} {{title}} {{intent}} {{outputs}} {{base}}.'),
  gate: z
    .strictObject({ checks: z.array(Check) })
    .describe('What must be true to enter this phase (its inputs are good).'),
  timeout_minutes: z.number().min(0.01).max(7 * 24 * 60).optional().describe('Overrides timeouts.phase_minutes of the config for this phase.'),
});

export type PhaseDefinition = z.output<typeof PhaseDefinitionSchema>;

export const GateDefinitionSchema = z.strictObject({
  $schema: z.string().optional(),
  gate: z.string().regex(NAME_PATTERN).describe('Gate name, e.g. planning-complete.'),
  title: z.string().min(1).optional(),
  checks: z.array(Check),
});

export type GateDefinition = z.output<typeof GateDefinitionSchema>;

/** Placeholders a phase prompt may use. */
export const PROMPT_PLACEHOLDERS = ['role', 'phase', 'name', 'title', 'intent', 'outputs', 'base'] as const;
