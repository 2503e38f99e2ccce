// The JSON Schemas behind `builtin:<name>` in a `json` check, as phaserunner ships them in its
// schema/ (generated from the zod schemas by `npm run schema`). The prompt carries them inline:
// the files are inside phaserunner's package, not in the agent's checkout, and agent CLIs
// refuse to read under the `.git` directory that holds the run directory.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { PACKAGE_SCHEMA_DIR } from '../paths.js';
import type { Check } from '../phases/schema.js';

interface BuiltinSchema {
  /** Its file in schema/. */
  readonly file: string;
  /** What a prompt calls it. */
  readonly title: string;
}

/** What a prompt calls the plan's schema, for a `json` check on `builtin:tasks` and a `tasks` check alike. */
export const TASKS_SCHEMA_TITLE = 'the task list schema';

const TASKS: BuiltinSchema = { file: 'tasks.schema.json', title: TASKS_SCHEMA_TITLE };

const BUILTIN: Readonly<Record<string, BuiltinSchema>> = {
  'builtin:tasks': TASKS,
};

/** What a prompt calls a built-in schema; undefined for a schema file in the repository (or an unknown name). */
export function builtinSchemaTitle(ref: string): string | undefined {
  return Object.hasOwn(BUILTIN, ref) ? BUILTIN[ref]?.title : undefined;
}

/** A built-in schema a gate check validates a file against, with its JSON Schema text. */
export interface InlineSchema {
  /** The file the check validates. */
  readonly path: string;
  readonly title: string;
  readonly text: string;
}

/** The built-in schemas the checks use, each once per checked file, in check order: a `tasks` check reads its file against the plan's. */
export function inlineSchemas(checks: readonly Check[]): InlineSchema[] {
  const out: InlineSchema[] = [];
  for (const check of checks) {
    if (check.kind !== 'tasks' && check.kind !== 'json') continue;
    const builtin = check.kind === 'tasks' ? TASKS : Object.hasOwn(BUILTIN, check.schema) ? BUILTIN[check.schema] : undefined;
    if (builtin === undefined || out.some((s) => s.path === check.path && s.title === builtin.title)) continue;
    out.push({ path: check.path, title: builtin.title, text: readFileSync(join(PACKAGE_SCHEMA_DIR, builtin.file), 'utf8') });
  }
  return out;
}
