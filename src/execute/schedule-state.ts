// The scheduler's input (src/execution/schedule.ts) from the plan and the store.
import type { SchedulerState, TaskProgress } from '../execution/schedule.js';
import type { TaskRow } from '../store/store.js';
import { EXECUTION } from '../workstream/execution.js';
import type { Execution } from './context.js';

/** Attempts spent since the task was last given a fresh budget (`retry`). */
export function spent(row: Pick<TaskRow, 'attempts' | 'attempts_base'>): number {
  return row.attempts - (row.attempts_base ?? 0);
}

export function schedulerState(x: Execution): SchedulerState {
  const rows = new Map(x.store.tasks(EXECUTION).map((t) => [t.step_id, t]));
  const progress = new Map<string, TaskProgress>();
  for (const task of x.exec.plan.tasks) {
    const row = rows.get(task.id);
    if (row === undefined) continue;
    const max = x.exec.stepFor(task.id)?.maxAttempts ?? 1;
    progress.set(task.id, { state: row.state, attempts: row.attempts, failedForGood: row.state === 'failed' && spent(row) >= max });
  }
  return { tasks: x.exec.plan.tasks, progress };
}
