// Check descriptions for humans and agents: the prompt lists exactly what the gate will check.
import type { Check } from '../phases/schema.js';
import { builtinSchemaTitle, TASKS_SCHEMA_TITLE } from './builtin-schemas.js';
import { isGlob } from '../util/glob.js';

/** One sentence saying what a check requires. */
export function describeCheck(check: Check): string {
  switch (check.kind) {
    case 'file': {
      const min = check.min_count ?? 1;
      const parts: string[] = [];
      if (isGlob(check.path)) {
        parts.push(min === 0 ? `files matching ${check.path} (any number)` : `at least ${min} file(s) matching ${check.path}`);
      } else {
        parts.push(min === 0 ? `${check.path}, if present,` : `${check.path} exists`);
      }
      if (check.non_empty ?? true) parts.push('is not empty');
      if (check.must_match !== undefined) parts.push(`contains a match for /${check.must_match}/m`);
      if (check.must_not_match !== undefined) parts.push(`contains no match for /${check.must_not_match}/m`);
      return joinClauses(parts);
    }
    case 'json': {
      // A built-in schema is not in the checkout: the prompt gives it in full (builtin-schemas.ts).
      const title = builtinSchemaTitle(check.schema);
      return `${check.path} is valid JSON matching ${title === undefined ? `the JSON Schema ${check.schema}` : `${title}, given in full below`}`;
    }
    case 'tasks': {
      // The plan's schema is not in the checkout either: the prompt gives it in full (builtin-schemas.ts).
      const graph = 'unique task ids, every depends_on naming an existing task, and no dependency cycle';
      if ((check.min_version ?? 1) >= 2) {
        return `${check.path} is a version ${check.min_version ?? 2} task plan matching ${TASKS_SCHEMA_TITLE}, given in full below: every task with "writes" and at least one command in "checks", ${graph}`;
      }
      return `${check.path} is a task plan (version 1 or 2) matching ${TASKS_SCHEMA_TITLE}, given in full below, with ${graph}`;
    }
    case 'command':
      return `the command \`${check.argv.join(' ')}\` exits 0 within ${check.timeout_seconds}s`;
    case 'approval':
      return 'a human reviews and approves these outputs (`phaserunner approve`) before they are merged';
  }
}

function joinClauses(parts: readonly string[]): string {
  if (parts.length <= 1) return parts[0] ?? '';
  return `${parts.slice(0, -1).join(', ')} and ${parts.at(-1) ?? ''}`;
}
