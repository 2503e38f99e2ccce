// The execution scheduler, pure functions over the plan's tasks and their states (no I/O):
// what to dispatch now (next-to-dispatch.ts), which tasks are blocked and by what (blocked.ts),
// whether anything can go on without a human (progress.ts). The rules are in docs/execution.md.
// The runner is to import from here (not wired yet: issue 17).
export { nextToDispatch, readyTasks } from './next-to-dispatch.js';
export type { BlockChanges, BlockedTask } from './blocked.js';
export { blockCauses, blockedBy, isBlockingRoot } from './blocked.js';
export type { HumanAction, HumanWait, ProgressReport } from './progress.js';
export { progressPossible } from './progress.js';
export type { DispatchOptions, RetryPolicy, ScheduledTask, SchedulerState, TaskProgress } from './schedule-types.js';
export { remainingChains } from './priority.js';
export { globsMayOverlap } from './globs-overlap.js';
export { TASK_STATES, holdsClaim, inFlight, isTaskState, takesSlot, type TaskState } from './task-states.js';

