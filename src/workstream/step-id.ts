// Step ids. The store names every workstream's steps by a text id (an execution task's is its
// id, 'T-003'); a planning phase's is its number in decimal. Planning code keeps working in
// phase numbers and converts here, at the store's edge.

export type StepId = string;

/** The step id of planning phase `phase`. */
export function phaseStep(phase: number): StepId {
  return String(phase);
}

/** The planning phase a step id names (NaN for a step that is not a phase). */
export function stepPhase(id: StepId): number {
  return /^[0-9]+$/.test(id) ? Number(id) : Number.NaN;
}

/** The planning phase of a store row (a run, a step, a record, an approval, a gate result). */
export function phaseOf(row: { readonly step_id: StepId }): number {
  return stepPhase(row.step_id);
}
