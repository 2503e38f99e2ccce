// Task mode (the execution workstream): the agent implements one task of planning/tasks.json,
// read from its checkout (made from the base tip, so its dependencies are merged in it). It
// writes only inside the task's `writes` (unless told to misbehave), code that makes the task's
// `checks` pass. A resolution attempt is the same: the task's files written again from the
// checkout it is given. The behaviours every mode shares are handled in main.ts.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from './artifacts.js';
import { sleep, type AgentContext } from './context.js';
import type { Intent } from './intent.js';
import { commitByItself, fakeExit, moveRefs, tamper } from './mischief.js';
import { PHASE_ONLY_BEHAVIORS } from './phase.js';
import { waitForRelease } from './release.js';
import { taskFiles } from './task-files.js';
import { CONFLICT_FILE, breakTests, conflictFile, integrationBreak, outsidePath, resolvedMarkers } from './task-mischief.js';
import { PLAN_FILE, PlanReadError, findTask, planTasks, type AgentTask } from './task-plan.js';

export interface TaskRun {
  readonly taskId: string;
  readonly behavior: string;
  readonly delayMs: number;
  readonly intent: Intent;
}

/** Behaviours that only make sense for a task (phase mode refuses them). */
export const TASK_ONLY_BEHAVIORS: ReadonlySet<string> = new Set(['break-tests', 'conflict', 'integration-break']);

/** Exit code for a behaviour this mode does not have, or no task to implement: EX_USAGE (the runner passed a wrong argument). */
export const EXIT_USAGE = 64;
/** Exit code for a plan it cannot read its task from: EX_DATAERR. */
export const EXIT_BAD_DATA = 65;

function readPlan(cwd: string): string {
  const file = join(cwd, PLAN_FILE);
  if (!existsSync(file)) throw new PlanReadError(`${PLAN_FILE} is not in the checkout (${cwd})`);
  return readFileSync(file, 'utf8');
}

export async function runTask(context: AgentContext, run: TaskRun): Promise<number> {
  const { behavior, delayMs } = run;
  if (PHASE_ONLY_BEHAVIORS.has(behavior)) {
    console.error(`scripted agent: behavior "${behavior}" is for planning phases, not for task ${run.taskId}`);
    return EXIT_USAGE;
  }
  let tasks: AgentTask[];
  let task: AgentTask;
  try {
    tasks = planTasks(readPlan(context.cwd));
    task = findTask(tasks, run.taskId);
  } catch (error) {
    if (!(error instanceof PlanReadError)) throw error;
    console.error(`scripted agent: ${error.message}`);
    return EXIT_BAD_DATA;
  }
  context.say(`task ${task.id}: ${task.title}`);
  if (behavior === 'fake-exit') {
    fakeExit(context);
    await sleep(3000);
  }

  let files: Artifact[] = taskFiles(task, tasks, run.intent);
  files.push(...resolvedMarkers(context.cwd, task, files.map((f) => f.path)));
  if (behavior === 'break-tests') files = breakTests(task, files);
  if (behavior === 'integration-break') files = integrationBreak(task, files, context.cwd, (l) => { context.say(l); });
  if (behavior === 'conflict') files = [...files.filter((f) => f.path !== CONFLICT_FILE), conflictFile(task, context.cwd)];

  if (behavior === 'fail') {
    // Half the work, then a failure: what a real agent that gave up mid-way leaves behind.
    for (const f of files.slice(0, Math.ceil(files.length / 2))) context.write(f.path, f.content);
    console.error(`scripted agent: task ${task.id} failed on purpose (behavior "fail")`);
    return 1;
  }
  for (const f of files) {
    context.say(`writing ${f.path}`);
    context.write(f.path, f.content);
    if (delayMs > 0 || behavior === 'slow') await sleep(behavior === 'slow' ? Math.max(delayMs, 500) : delayMs);
  }
  if (behavior === 'outside') {
    const path = outsidePath(task);
    context.say(`also writing ${path} (outside the task's writes)`);
    context.write(path, `Written by ${task.id} where it should not be.\n`);
  }
  if (behavior === 'move-refs') moveRefs(context);
  if (behavior === 'tamper') tamper(context);
  if (behavior === 'commit') commitByItself(context);
  if (behavior === 'wait-release') await waitForRelease(context, task.id);
  context.say(`done: ${files.length} file(s)`);
  return 0;
}
