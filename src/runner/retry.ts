// `retry N`: a failed (or conflicted) phase goes back to pending, as a recorded transition;
// the pass that follows dispatches it as a new, counted attempt.
import { fail } from '../failures.js';
import type { Runner } from './context.js';
import { attemptLimit } from './attempts.js';
import { crashPoint } from './crash-points.js';
import { phaseStep } from '../workstream/step-id.js';

export function requestRetry(r: Runner, phase: number): void {
  const ws = r.workstream.name;
  const step = r.workstream.stepForPhase(phase);
  const row = r.store.phase(ws, phaseStep(phase));
  if (step === undefined || row === undefined) {
    return fail({ reason: 'unknown-phase', phase, known: [...r.workstream.phaseIds] });
  }
  const limit = attemptLimit(r.config, row);
  // Attempts since the phase was last planned: those are what max_attempts counts.
  const base = { phase, state: row.state, attempts: row.attempts - (row.attempts_base ?? 0), maxAttempts: r.config.max_attempts };
  if (row.state !== 'failed' && row.state !== 'conflict') fail({ reason: 'retry-refused', ...base, cause: 'not-failed' });
  if (row.attempts >= limit) fail({ reason: 'retry-refused', ...base, cause: 'attempts-used' });
  r.store.transition(ws, phaseStep(phase), null, 'pending', `retry requested (attempt ${row.attempts + 1} of ${limit})`);
  crashPoint('retry:recorded');
}
