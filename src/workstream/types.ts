// The workstream interface of ADR 0005. The runner loop knows only these types; planning is
// one implementation, and an execution workstream (tasks with depends_on, run in parallel)
// plugs in as another without changes to the loop.
import type { GateTarget } from '../gates/types.js';
import type { Check } from '../phases/schema.js';
import type { PhaseState } from './states.js';
import type { StepId } from './step-id.js';

export type { StepId } from './step-id.js';

/** What the runner does, in order, once an attempt is complete. */
export type SuccessAction = 'commit' | 'mergeToBase' | 'advancePhase';

export interface WorkstreamStep {
  /** The step's id in the store and in every verb: a planning phase's number as text ('2'). */
  readonly id: StepId;
  /** The planning phase this step is. */
  readonly phase: number;
  readonly name: string;
  readonly title: string;
  readonly role: string;
  /** The phase's prompt template (see phases/prompt.ts for how it is framed). */
  readonly prompt: string;
  readonly reads: readonly string[];
  /** Globs of the files this step may write; nothing else may change. */
  readonly outputs: readonly string[];
  readonly timeoutMinutes: number | undefined;
  readonly successActions: readonly SuccessAction[];
  /** A human must approve the phase commit (bound to its Artifacts-Digest) before it is merged. */
  readonly approval: boolean;
  readonly gates: { readonly beforeDispatch: GateTarget; readonly beforeAdvance: GateTarget };
  /**
   * The checks of those two gates, as the definitions that govern the step have them: a run
   * is judged by the definitions it was dispatched under, whatever the base has now.
   */
  readonly checks: { readonly beforeDispatch: readonly Check[]; readonly beforeAdvance: readonly Check[] };
}

export interface Workstream {
  readonly name: string;
  /** Every step's id, in order. */
  readonly stepIds: readonly StepId[];
  /** The step of an id, or undefined when the workstream has no such step. */
  stepFor(id: StepId): WorkstreamStep | undefined;
  /** Every phase id, in order (planning's numbers; `stepIds` as numbers). */
  readonly phaseIds: readonly number[];
  /** The step for a phase, or undefined when the workstream has no such phase. */
  stepForPhase(phase: number): WorkstreamStep | undefined;
  /** The checks of a gate target, or undefined when the target is unknown. */
  gateChecks(target: GateTarget): readonly Check[] | undefined;
}

/** What the loop needs to know about each phase to decide what runs next. */
export interface PhaseView {
  readonly id: StepId;
  readonly phase: number;
  readonly state: PhaseState;
  /** True when an attempt is between the agent and the merge (dispatched or committed). */
  readonly active: boolean;
}

/** The one interface the loop drives: which phases may start now, and when all is done. */
export interface WorkstreamController {
  readonly workstream: Workstream;
  /** Steps whose beforeDispatch gate should be evaluated and, if it passes, dispatched now: any number of them. */
  ready(view: readonly PhaseView[]): readonly StepId[];
  /** True when every step is done. */
  complete(view: readonly PhaseView[]): boolean;
  /** The phase the workstream is on, for status (undefined when complete). */
  current(view: readonly PhaseView[]): number | undefined;
}
