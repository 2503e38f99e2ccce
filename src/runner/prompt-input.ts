// Collects what a prompt shows: the intent and earlier phases' outputs as they are in the
// attempt's checkout (the base tip), with contents inlined while they are small.
import { stat } from 'node:fs/promises';
import { join } from 'node:path';
import { listMatches, readInside } from '../gates/files.js';
import { targetLabel } from '../gates/types.js';
import type { PromptFile, PromptInput } from '../phases/prompt.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';

const MAX_FILE_BYTES = 16 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024;

export async function collectPromptInput(
  r: Runner,
  step: WorkstreamStep,
  worktree: string,
  previous: PromptInput['previous'],
): Promise<PromptInput> {
  const ids = r.workstream.phaseIds;
  const earlier: { phase: number; title: string; files: PromptFile[] }[] = [];
  let budget = MAX_TOTAL_BYTES;
  for (const id of ids.slice(0, ids.indexOf(step.phase))) {
    const prior = r.workstream.stepForPhase(id);
    if (prior === undefined) continue;
    const files: PromptFile[] = [];
    for (const glob of prior.outputs) {
      for (const path of await listMatches(worktree, glob)) {
        const bytes = (await stat(join(worktree, path))).size;
        const inline = bytes <= MAX_FILE_BYTES && bytes <= budget;
        const content = inline ? await readInside(worktree, path) : undefined;
        if (content !== undefined) budget -= bytes;
        files.push({ path, bytes, content });
      }
    }
    earlier.push({ phase: id, title: prior.title, files });
  }
  const target = step.gates.beforeAdvance;
  return {
    step,
    phaseCount: ids.length,
    position: ids.indexOf(step.phase) + 1,
    workstream: r.workstream.name,
    base: r.config.base,
    worktree,
    intentPath: r.config.intent,
    intent: await readInside(worktree, r.config.intent),
    earlier,
    gateLabel: targetLabel(target),
    gateChecks: r.workstream.gateChecks(target) ?? [],
    previous,
  };
}
