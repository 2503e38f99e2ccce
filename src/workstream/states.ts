// Phase states and the transitions between them. Every change goes through `assertTransition`
// and is recorded in the store's append-only transitions table.
//
//              gate not met
//   pending ───────────────► blocked ◄──────────────┐ merge waits for the user's checkout
//      │                       │                    │
//      │ dispatch              │ dispatch / merge   │
//      ▼                       ▼                    │
//   running ────────────────────────────────────────┘
//      │  ├──► failed ───── retry ──► pending
//      │  └──► conflict ─── retry ──► pending
//      ▼
//     done
//
// A phase that needs approval waits in awaiting_approval between its commit and its merge:
//   running ──► awaiting_approval ──approve──► done (or blocked / conflict, as for a merge)
//                      └──reject──► pending (failed when no attempts are left)
//
// A replan (`phaserunner replan N`) takes phase N and every later one back to pending from
// wherever they are but running (an agent at work is waited for): their merges stay in history,
// and they are planned again as new attempts.

export const PHASE_STATES = ['pending', 'running', 'awaiting_approval', 'done', 'failed', 'blocked', 'conflict'] as const;

export type PhaseState = (typeof PHASE_STATES)[number];

const ALLOWED: Readonly<Record<PhaseState, readonly PhaseState[]>> = {
  pending: ['running', 'blocked'],
  blocked: ['running', 'done', 'failed', 'conflict', 'awaiting_approval', 'pending'],
  running: ['done', 'failed', 'conflict', 'blocked', 'awaiting_approval'],
  awaiting_approval: ['done', 'pending', 'failed', 'blocked', 'conflict'],
  failed: ['pending'],
  conflict: ['pending'],
  // Only a replan takes a done phase back.
  done: ['pending'],
};

export function canTransition(from: PhaseState, to: PhaseState): boolean {
  return ALLOWED[from].includes(to);
}

/** Throws on a transition the state machine does not allow: that is a bug, not user error. */
export function assertTransition(from: PhaseState, to: PhaseState, stepId: string): void {
  if (!canTransition(from, to)) throw new Error(`illegal transition for step ${stepId}: ${from} -> ${to}`);
}

export function isPhaseState(value: string): value is PhaseState {
  return (PHASE_STATES as readonly string[]).includes(value);
}
