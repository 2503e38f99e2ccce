// A phase's attempt budget: `max_attempts` attempts since it was last planned. Attempt numbers
// keep counting across a replan (each run's Attempt trailer stays unique), so the budget is
// counted from the attempts spent before it (the phase's attempts_base).
import type { Config } from '../config/schema.js';
import type { PhaseRow } from '../store/store.js';

/** The highest attempt number the phase may reach. */
export function attemptLimit(config: Pick<Config, 'max_attempts'>, row: Pick<PhaseRow, 'attempts_base'> | undefined): number {
  return (row?.attempts_base ?? 0) + config.max_attempts;
}
