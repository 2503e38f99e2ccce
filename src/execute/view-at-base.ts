// What the read-only execution verbs (status, show) and a verb naming a task start from: the
// committed definitions and the execution workstream of the plan on the base, read once,
// nothing written.
import { openDefinitions, type Definitions } from '../definitions/open.js';
import { fail, PhaserunnerError } from '../failures.js';
import { executionWorkstream, type ExecutionWorkstream } from '../workstream/execution.js';
import { planAtBase } from './plan-at-base.js';

export interface ExecutionAtBase {
  readonly defs: Definitions;
  readonly exec: ExecutionWorkstream;
}

/**
 * `task`: the task a verb names, refused (unknown-task, 64) unless the plan has it; where there
 * is no plan that loads, no task is planned, and that is the answer rather than the plan's problem.
 */
export async function executionAtBase(cwd: string, task?: string): Promise<ExecutionAtBase> {
  const defs = await openDefinitions(cwd, 'view', { saveCache: false });
  let loaded: Awaited<ReturnType<typeof planAtBase>>;
  try {
    loaded = await planAtBase(defs.repo.root, defs.config.base);
  } catch (error) {
    if (task !== undefined && error instanceof PhaserunnerError && error.failure.reason === 'plan-invalid') fail({ reason: 'unknown-task', task, known: [] });
    throw error;
  }
  const exec = executionWorkstream(loaded.plan, loaded.blob, defs.config);
  if (task !== undefined && exec.stepFor(task) === undefined) fail({ reason: 'unknown-task', task, known: [...exec.stepIds] });
  return { defs, exec };
}
