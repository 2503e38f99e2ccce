// The workstreams the engine drives, by name, and the controller that schedules each. Every
// verb asks here for a workstream rather than building one: the runner, status, show, doctor
// and the audit then judge a repository's steps by the same definitions.
import type { Config } from '../config/schema.js';
import type { PhaseSet } from '../phases/load.js';
import { PLANNING, planningController, planningWorkstream } from './planning.js';
import type { Workstream, WorkstreamController } from './types.js';

/** What a workstream is built from: the definitions committed on the base (or at a run's base commit). */
export interface WorkstreamSource {
  readonly config: Pick<Config, 'approvals'>;
  readonly phases: PhaseSet;
}

/** The planning workstream of these definitions. */
export function planningOf(defs: WorkstreamSource): Workstream {
  return planningWorkstream(defs.phases, defs.config.approvals);
}

/** The controller that decides which of a workstream's steps may start. */
export function controllerFor(workstream: Workstream): WorkstreamController {
  if (workstream.name === PLANNING) return planningController(workstream);
  throw new Error(`no controller for workstream ${workstream.name}`);
}
