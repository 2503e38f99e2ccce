// The `json` check: a file parses as JSON and validates against a JSON Schema. Schemas are
// converted with zod's fromJSONSchema, so validation and its messages match the rest of the
// runner; "builtin:<name>" names a schema shipped with phaserunner.
import { z } from 'zod';
import type { JsonCheck } from '../phases/schema.js';
import { TasksFileSchema } from '../planning/tasks-schema.js';
import { formatIssuePath } from '../util/validate.js';
import { readInside, readJsonInside } from './files.js';
import { resultBase, type CheckResult } from './types.js';

type JsonCheckDef = z.output<typeof JsonCheck>;

const BUILTIN_SCHEMAS: Readonly<Record<string, z.ZodType>> = { 'builtin:tasks': TasksFileSchema };

export async function runJsonCheck(check: JsonCheckDef, root: string): Promise<CheckResult> {
  const base = resultBase('json', check.path, check.message);
  const read = await readJsonInside(root, check.path);
  if (!read.ok) return { ...base, ok: false, message: read.message };
  const schema = await loadSchema(check.schema, root);
  if (typeof schema === 'string') return { ...base, ok: false, message: schema };
  const result = schema.safeParse(read.data);
  if (result.success) return { ...base, ok: true, message: `${check.path} matches ${check.schema}.` };
  const problems = result.error.issues.slice(0, 5).map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
  const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
  return { ...base, ok: false, message: `${check.path} does not match ${check.schema}: ${problems.join('; ')}${more}.` };
}

/** The schema as zod, or a message saying why it could not be loaded. */
async function loadSchema(ref: string, root: string): Promise<z.ZodType | string> {
  const builtin = BUILTIN_SCHEMAS[ref];
  if (builtin !== undefined) return builtin;
  if (ref.startsWith('builtin:')) return `unknown built-in schema ${ref}; known: ${Object.keys(BUILTIN_SCHEMAS).join(', ')}.`;
  const text = await readInside(root, ref);
  if (text === undefined) return `the JSON Schema ${ref} is missing from the checkout.`;
  try {
    return z.fromJSONSchema(JSON.parse(text) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    return `the JSON Schema ${ref} could not be used: ${(error as Error).message}.`;
  }
}
