// The `tasks` check: planning/tasks.json is a plan the execution workstream can run, read
// through the one loader of plans (src/planning/plan.ts): its fields, version 1 or 2 (or only
// 2 with `min_version: 2`), unique ids, every depends_on naming a task, no cycle. Each problem
// names the file and the field. The file comes from a FileSource: the runner's staged tree, or
// a merge's tree in the audit.
import type { z } from 'zod';
import type { TasksCheck } from '../phases/schema.js';
import { parsePlan, problemText } from '../planning/plan.js';
import type { FileSource, SyncFileSource } from './files.js';
import { resultBase, type CheckResult } from './types.js';

type TasksCheckDef = z.output<typeof TasksCheck>;

/** Problems a failed check lists; the rest are counted. */
const SHOWN = 5;

export async function runTasksCheck(check: TasksCheckDef, files: FileSource): Promise<CheckResult> {
  return judgeTasks(check, await files.read(check.path));
}

/** The same check over files already in memory: the audit re-runs gates against history this way. */
export function runTasksCheckSync(check: TasksCheckDef, files: SyncFileSource): CheckResult {
  return judgeTasks(check, files.read(check.path));
}

function judgeTasks(check: TasksCheckDef, text: string | undefined): CheckResult {
  const base = resultBase('tasks', check.path, check.message);
  if (text === undefined) return { ...base, ok: false, message: `${check.path} is missing.` };
  const read = parsePlan(text, check.path, check.min_version === undefined ? {} : { minVersion: check.min_version });
  if (!read.ok) {
    const more = read.problems.length > SHOWN ? ` (and ${read.problems.length - SHOWN} more)` : '';
    return { ...base, ok: false, message: `${read.problems.slice(0, SHOWN).map(problemText).join('; ')}${more}.` };
  }
  const { version, tasks } = read.plan;
  return { ...base, ok: true, message: `${check.path}: a version ${version} plan of ${tasks.length} task(s), dependencies well formed.` };
}
