// The scheduler's input (src/execution/schedule.ts) from the plan and the store.
import type { SchedulerState, TaskProgress } from '../execution/schedule.js';
import type { TaskRow } from '../store/store.js';
import { EXECUTION, type ExecutionWorkstream } from '../workstream/execution.js';
import type { Execution } from './context.js';

/** Attempts spent since the task was last given a fresh budget (`retry`). */
export function spent(row: Pick<TaskRow, 'attempts' | 'attempts_base'>): number {
  return row.attempts - (row.attempts_base ?? 0);
}

export function schedulerState(x: Execution): SchedulerState {
  return schedulerStateOf(x.exec, x.store.tasks(EXECUTION));
}

/** The same from a plan and the store's rows (status reads them without a runner). */
export function schedulerStateOf(exec: ExecutionWorkstream, rows: readonly TaskRow[]): SchedulerState {
  const byId = new Map(rows.map((t) => [t.step_id, t]));
  const progress = new Map<string, TaskProgress>();
  for (const task of exec.plan.tasks) {
    const row = byId.get(task.id);
    if (row === undefined) continue;
    const max = exec.stepFor(task.id)?.maxAttempts ?? 1;
    progress.set(task.id, { state: row.state, attempts: row.attempts, failedForGood: row.state === 'failed' && spent(row) >= max });
  }
  return { tasks: exec.plan.tasks, progress };
}
