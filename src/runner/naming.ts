// Names the runner gives to branches, worktrees and refs (DESIGN.md's git contract).
import { join } from 'node:path';
import type { StatePaths } from '../paths.js';
import type { WorkstreamStep } from '../workstream/types.js';

/** phaserunner/<workstream>/<n>-<phase-name> */
export function phaseBranch(workstream: string, step: Pick<WorkstreamStep, 'phase' | 'name'>): string {
  return `phaserunner/${workstream}/${step.phase}-${step.name}`;
}

export function phaseWorktree(state: StatePaths, workstream: string, step: Pick<WorkstreamStep, 'phase' | 'name'>): string {
  return join(state.worktrees, `${workstream}-${step.phase}-${step.name}`);
}

/** Where a failed attempt's files are kept, so a retry never loses the agent's output. */
export function attemptSnapshotRef(runId: string): string {
  return `refs/phaserunner/attempts/${runId}`;
}
