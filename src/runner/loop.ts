// One re-entrant pass of the control loop: collect, advance, gate, dispatch. It does what
// can be done now and returns; calling it again is always safe. It talks to the workstream
// only through the controller, so another workstream type needs no change here.
import type { Runner } from './context.js';
import { collectRun } from './collect.js';
import { gateAndDispatch } from './dispatch-phase.js';
import type { PhaseView } from '../workstream/types.js';
import { phaseOf, phaseStep } from '../workstream/step-id.js';

export interface PassOptions {
  /** Stop after this phase is done: nothing later is dispatched. */
  readonly until?: number | undefined;
}

export interface PhaseProblem {
  readonly phase: number;
  readonly reason: string;
}

export interface PassResult {
  readonly dispatched: readonly number[];
  readonly running: readonly number[];
  readonly completed: readonly number[];
  /** Phases in `failed` after the pass (whether they failed now or earlier). */
  readonly failed: readonly PhaseProblem[];
  /** Phases waiting for a human: a gate not met, a merge waiting for the user's checkout. */
  readonly blocked: readonly PhaseProblem[];
  readonly conflicts: readonly PhaseProblem[];
  /** Phases committed and waiting for a human's `approve` or `reject`. */
  readonly awaiting: readonly PhaseProblem[];
  /** An exit.json was malformed in this pass (exit code 65). */
  readonly badData: boolean;
  readonly complete: boolean;
  readonly untilReached: boolean;
}

export async function runPass(r: Runner, options: PassOptions = {}): Promise<PassResult> {
  const ws = r.workstream.name;
  const running: number[] = [];
  const completed: number[] = [];
  const dispatched: number[] = [];
  let badData = false;

  // Collect (and, through the success actions, commit, merge and advance).
  for (const run of r.store.activeRuns(ws)) {
    const outcome = await collectRun(r, run);
    if (outcome.kind === 'running') running.push(phaseOf(run));
    else if (outcome.kind === 'done') completed.push(phaseOf(run));
    else if (outcome.kind === 'failed' && outcome.badData) badData = true;
  }

  // Gate and dispatch what the controller says is ready.
  let view = phaseViews(r);
  if (!r.controller.complete(view) && !untilReached(view, options.until)) {
    for (const id of r.controller.ready(view)) {
      const step = r.workstream.stepFor(id);
      if (step === undefined) continue;
      if (options.until !== undefined && step.phase > options.until) continue;
      const outcome = await gateAndDispatch(r, step);
      if (outcome.kind === 'dispatched') dispatched.push(step.phase);
    }
    view = phaseViews(r);
  }

  const rows = r.store.phases(ws);
  const problems = (state: string): PhaseProblem[] =>
    rows.filter((p) => p.state === state).map((p) => ({ phase: phaseOf(p), reason: p.reason ?? '' }));
  // Not while a run is still in flight: one of a phase the definitions have since dropped is
  // still collected, under the definitions it was dispatched with.
  const complete = r.controller.complete(view) && r.store.activeRuns(ws).length === 0;
  if (complete && completed.length > 0) r.emit({ type: 'complete', workstream: ws });
  return {
    dispatched,
    running,
    completed,
    failed: problems('failed'),
    blocked: problems('blocked'),
    conflicts: problems('conflict'),
    awaiting: problems('awaiting_approval'),
    badData,
    complete,
    untilReached: untilReached(view, options.until),
  };
}

/** The store's phases as the controller sees them. */
export function phaseViews(r: Runner): PhaseView[] {
  const ws = r.workstream.name;
  const active = new Set(r.store.activeRuns(ws).map((run) => phaseOf(run)));
  const rows = new Map(r.store.phases(ws).map((p) => [phaseOf(p), p]));
  return r.workstream.phaseIds.map((phase) => ({
    id: phaseStep(phase),
    phase,
    state: rows.get(phase)?.state ?? 'pending',
    active: active.has(phase),
  }));
}

function untilReached(view: readonly PhaseView[], until: number | undefined): boolean {
  if (until === undefined) return false;
  return view.filter((p) => p.phase <= until).every((p) => p.state === 'done');
}
