// The trailer values of a run: the same set on its phase commit and its merge commit.
import { definitionsDigest } from '../definitions/digest.js';
import type { PhaseTrailers } from '../git/trailers.js';
import type { RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';

export function trailersFor(workstream: string, step: WorkstreamStep, run: RunRow, artifactsDigest: string): PhaseTrailers {
  return {
    workstream,
    phase: step.phase,
    phaseName: step.name,
    role: step.role,
    runId: run.run_id,
    attempt: run.attempt,
    agent: run.agent,
    exitCode: run.exit_code ?? 0,
    artifactsDigest,
    definitionsDigest: definitionsDigest(step),
  };
}
