// What the scheduler (schedule.ts, blocked.ts, progress.ts) is given. Plain data, no I/O: the
// runner reads the plan and the store and passes them in, and applies what comes back.
import type { TaskState } from './task-states.js';

/** A task of the normalised plan, as far as scheduling goes. */
export interface ScheduledTask {
  readonly id: string;
  readonly depends_on: readonly string[];
  /** Globs of the files the task may change: its claim (src/util/glob.ts's dialect). */
  readonly writes: readonly string[];
}

export interface TaskProgress {
  readonly state: TaskState;
  /** Attempts dispatched so far. */
  readonly attempts: number;
  /**
   * For a `failed` task: no attempt will be made without a human (its attempts are used up, or
   * its failure is one a human must look at). Ignored in other states.
   */
  readonly failedForGood?: boolean;
}

export interface SchedulerState {
  /** The plan's tasks in plan order (the order of `planning/tasks.json`). */
  readonly tasks: readonly ScheduledTask[];
  /** By task id; a task with no entry is `pending` with no attempt spent. */
  readonly progress: ReadonlyMap<string, TaskProgress>;
}

/**
 * Whether a `failed` task that is not failed for good is dispatched again by the scheduler
 * (`auto`: within its attempt budget, the failure in its next prompt) or waits for a human's
 * `retry` (`manual`, as planning phases do).
 */
export type RetryPolicy = 'auto' | 'manual';

export interface DispatchOptions {
  /** At most this many tasks `running` or `verifying` at once (at least 1 to dispatch any). */
  readonly concurrency: number;
  /** Default `auto`. */
  readonly retry?: RetryPolicy;
}

const PENDING: TaskProgress = { state: 'pending', attempts: 0 };

export function progressOf(state: SchedulerState, id: string): TaskProgress {
  return state.progress.get(id) ?? PENDING;
}
