// The planning workstream: phases run one after another. Before dispatching phase N its own
// gate must pass (its inputs exist); before advancing, the next phase's gate must pass (this
// phase's outputs are good); after the last phase, the planning-complete gate.
import { needsApproval, type GateTarget } from '../gates/types.js';
import type { PhaseSet } from '../phases/load.js';
import type { Check } from '../phases/schema.js';
import { phaseStep, stepPhase } from './step-id.js';
import type { PhaseView, Workstream, WorkstreamController, WorkstreamStep } from './types.js';

export const PLANNING = 'planning';
export const PLANNING_COMPLETE_GATE = 'planning-complete';

/**
 * `approvals`: phases the config says need a human's approval, on top of any gate with an
 * `approval` check (which, like every check of a gate, concerns the phase before it).
 */
export function planningWorkstream(set: PhaseSet, approvals: readonly number[] = []): Workstream {
  const byId = new Map(set.phases.map((p) => [p.def.id, p.def]));
  const ids = set.phases.map((p) => p.def.id);
  const stepForPhase = (phase: number): WorkstreamStep | undefined => {
      const def = byId.get(phase);
      if (def === undefined) return undefined;
      const next = ids[ids.indexOf(phase) + 1];
      const beforeAdvance: GateTarget =
        next === undefined ? { kind: 'named', name: PLANNING_COMPLETE_GATE } : { kind: 'phase', phase: next };
      const advanceChecks = beforeAdvance.kind === 'phase' ? byId.get(beforeAdvance.phase)?.gate.checks : set.gates.get(beforeAdvance.name)?.def.checks;
      return {
        id: phaseStep(phase),
        phase,
        name: def.name,
        title: def.title,
        role: def.role,
        prompt: def.prompt,
        reads: def.reads,
        outputs: def.outputs,
        timeoutMinutes: def.timeout_minutes,
        successActions: ['commit', 'mergeToBase', 'advancePhase'],
        approval: approvals.includes(phase) || needsApproval(advanceChecks ?? []),
        gates: { beforeDispatch: { kind: 'phase', phase }, beforeAdvance },
        checks: { beforeDispatch: def.gate.checks, beforeAdvance: advanceChecks ?? [] },
      };
  };
  return {
    name: PLANNING,
    stepIds: ids.map(phaseStep),
    stepFor: (id) => stepForPhase(stepPhase(id)),
    phaseIds: ids,
    stepForPhase,
    gateChecks(target: GateTarget): readonly Check[] | undefined {
      if (target.kind === 'phase') return byId.get(target.phase)?.gate.checks;
      return set.gates.get(target.name)?.def.checks;
    },
  };
}

/** Planning runs strictly in order: the first phase that is not done is the only candidate. */
export function planningController(workstream: Workstream): WorkstreamController {
  const current = (view: readonly PhaseView[]): number | undefined => view.find((p) => p.state !== 'done')?.phase;
  return {
    workstream,
    current,
    ready(view) {
      const phase = view.find((p) => p.state !== 'done');
      if (phase === undefined || phase.active) return [];
      return phase.state === 'pending' || phase.state === 'blocked' ? [phase.id] : [];
    },
    complete(view) {
      return view.every((p) => p.state === 'done');
    },
  };
}
