// The execution workstream's task states, and what each one means to the scheduler: whether it
// takes one of the `concurrency` slots, whether it holds its `writes` claim, whether it waits on
// a human. One table, so that the rules are read (and changed) in one place.

export const TASK_STATES = [
  'pending',
  'running',
  'verifying',
  'queued',
  'integrating',
  'awaiting_approval',
  'merged',
  'failed',
  'blocked',
  'conflict',
] as const;

export type TaskState = (typeof TASK_STATES)[number];

export function isTaskState(value: string): value is TaskState {
  return (TASK_STATES as readonly string[]).includes(value);
}

interface Meaning {
  /** Takes a slot: an agent works, or the task's checks run in its checkout. */
  readonly slot: boolean;
  /**
   * Holds its `writes` claim: its changes exist on its branch and are not merged yet, so a task
   * writing the same files now would conflict with them. Held from dispatch until merged or
   * failed. `awaiting_approval` holds it (its verified changes wait for a human, then merge, as
   * a phase's do between commit and merge); `conflict` and `failed` do not: the next attempt
   * starts again from the base as it is then, so nothing of theirs is left to collide with.
   */
  readonly claim: boolean;
}

const MEANING: Readonly<Record<TaskState, Meaning>> = {
  pending: { slot: false, claim: false },
  running: { slot: true, claim: true },
  verifying: { slot: true, claim: true },
  // The merge queue is the runner's, serialised: waiting in it or going through it costs no
  // agent, so no slot; the claim stays until the merge.
  queued: { slot: false, claim: true },
  integrating: { slot: false, claim: true },
  awaiting_approval: { slot: false, claim: true },
  merged: { slot: false, claim: false },
  failed: { slot: false, claim: false },
  blocked: { slot: false, claim: false },
  conflict: { slot: false, claim: false },
};

export const takesSlot = (state: TaskState): boolean => MEANING[state].slot;
export const holdsClaim = (state: TaskState): boolean => MEANING[state].claim;

/** The runner moves the task on by itself (an agent, its checks or the merge queue are at it). */
export const inFlight = (state: TaskState): boolean =>
  state === 'running' || state === 'verifying' || state === 'queued' || state === 'integrating';

// The transitions a task may make (the store refuses any other: a bug in the runner, never
// bad input). docs/execution.md draws them.
const ALLOWED: Readonly<Record<TaskState, readonly TaskState[]>> = {
  pending: ['running', 'blocked'],
  blocked: ['pending'],
  // An agent at work: its verdict sends it to its checks, or fails it.
  running: ['verifying', 'failed'],
  // Its checks run in its checkout: green, it waits for the merge queue (or a human's approval).
  verifying: ['queued', 'awaiting_approval', 'failed'],
  awaiting_approval: ['queued', 'pending', 'failed'],
  queued: ['integrating', 'failed'],
  // Its merge candidate is tested: published (merged), red (failed), a conflict, or back in
  // the queue (the base moved, or the user's checkout of it must be brought up first).
  // (awaiting_approval again: the approved commit is no longer what its branch holds.)
  integrating: ['merged', 'failed', 'conflict', 'queued', 'awaiting_approval'],
  // A new attempt (automatic, within the budget; or `retry`), or back to pending (`retry`).
  failed: ['running', 'pending'],
  conflict: ['running', 'pending'],
  merged: [],
};

export function canTaskTransition(from: TaskState, to: TaskState): boolean {
  return ALLOWED[from].includes(to);
}
