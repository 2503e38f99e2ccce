// The `json` check: a file parses as JSON and validates against a JSON Schema. Schemas are
// converted with zod's fromJSONSchema, so validation and its messages match the rest of the
// runner; "builtin:<name>" names a schema shipped with phaserunner. The file and a schema
// file of the repository are read from the same FileSource: the runner's staged tree, or a
// merge's tree in the audit, through one judgement (judgeJson) either way.
import { z } from 'zod';
import type { JsonCheck } from '../phases/schema.js';
import { TasksFileSchema } from '../planning/tasks-schema.js';
import { formatIssuePath } from '../util/validate.js';
import { parseJson, type FileSource, type SyncFileSource } from './files.js';
import { resultBase, type CheckResult } from './types.js';

type JsonCheckDef = z.output<typeof JsonCheck>;

const BUILTIN_SCHEMAS: Readonly<Record<string, z.ZodType>> = { 'builtin:tasks': TasksFileSchema };

export async function runJsonCheck(check: JsonCheckDef, files: FileSource): Promise<CheckResult> {
  const text = await files.read(check.path);
  // The schema is read only when there is something to validate.
  const schema = text === undefined || isBuiltin(check.schema) ? undefined : await files.read(check.schema);
  return judgeJson(check, text, schema);
}

/** The same check over files already in memory: the audit re-runs gates against history this way. */
export function runJsonCheckSync(check: JsonCheckDef, files: SyncFileSource): CheckResult {
  const text = files.read(check.path);
  const schema = text === undefined || isBuiltin(check.schema) ? undefined : files.read(check.schema);
  return judgeJson(check, text, schema);
}

/** The verdict on the file's text, given the schema file's text (unused for a built-in schema). */
function judgeJson(check: JsonCheckDef, text: string | undefined, schemaText: string | undefined): CheckResult {
  const base = resultBase('json', check.path, check.message);
  const read = parseJson(check.path, text);
  if (!read.ok) return { ...base, ok: false, message: read.message };
  const schema = loadSchema(check.schema, schemaText);
  if (typeof schema === 'string') return { ...base, ok: false, message: schema };
  const result = schema.safeParse(read.data);
  if (result.success) return { ...base, ok: true, message: `${check.path} matches ${check.schema}.` };
  const problems = result.error.issues.slice(0, 5).map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
  const more = result.error.issues.length > 5 ? ` (and ${result.error.issues.length - 5} more)` : '';
  return { ...base, ok: false, message: `${check.path} does not match ${check.schema}: ${problems.join('; ')}${more}.` };
}

function isBuiltin(ref: string): boolean {
  return ref.startsWith('builtin:');
}

/** The schema as zod, or a message saying why it could not be loaded. */
function loadSchema(ref: string, text: string | undefined): z.ZodType | string {
  const builtin = BUILTIN_SCHEMAS[ref];
  if (builtin !== undefined) return builtin;
  if (isBuiltin(ref)) return `unknown built-in schema ${ref}; known: ${Object.keys(BUILTIN_SCHEMAS).join(', ')}.`;
  if (text === undefined) return `the JSON Schema ${ref} is missing.`;
  try {
    return z.fromJSONSchema(JSON.parse(text) as Parameters<typeof z.fromJSONSchema>[0]);
  } catch (error) {
    return `the JSON Schema ${ref} could not be used: ${(error as Error).message}.`;
  }
}
