// `phaserunner show N --prompt`: the exact prompt an attempt was given (its prompt.md), or,
// before the phase's first attempt, the prompt it would be given now: rendered the same way,
// from the base branch's tip as git has it (not from the user's checkout, which may differ).
import { runFiles } from '../dispatch/run-dir.js';
import { fail } from '../failures.js';
import { renderPrompt } from '../phases/prompt.js';
import { readTextIfExists } from '../util/fs.js';
import { PLANNING } from '../workstream/planning.js';
import { planningOf } from '../workstream/registry.js';
import type { Definitions } from '../definitions/open.js';
import { phaseWorktree } from './naming.js';
import { collectPromptInput, commitFiles } from './prompt-input.js';
import { phaseDefinition, pickAttempt } from './show.js';
import { withStoreReadOnly } from './store-open.js';
import { phaseStep } from '../workstream/step-id.js';

export interface PromptView {
  readonly phase: number;
  /** The attempt whose prompt this is; null for a preview. */
  readonly attempt: number | null;
  readonly run_id: string | null;
  /** Where the prompt file is; null for a preview. */
  readonly file: string | null;
  /** True when no attempt exists yet and this is what the first would be given now. */
  readonly preview: boolean;
  /** For a preview: the base branch and the commit it was rendered from. */
  readonly base: { readonly branch: string; readonly commit: string } | null;
  /** The prompt; null when the attempt's prompt file is gone. */
  readonly prompt: string | null;
}

export async function showPrompt(defs: Definitions, phase: number, attempt?: number): Promise<PromptView> {
  phaseDefinition(defs, phase);
  const runs = withStoreReadOnly(defs.state.db, (store) => store?.runs(PLANNING, phaseStep(phase)) ?? []);
  const run = pickAttempt(runs, phase, attempt);
  if (run !== undefined) {
    const file = runFiles(run.run_dir).prompt;
    return { phase, attempt: run.attempt, run_id: run.run_id, file, preview: false, base: null, prompt: (await readTextIfExists(file)) ?? null };
  }
  const workstream = planningOf(defs);
  const step = workstream.stepForPhase(phase);
  if (step === undefined) throw new Error(`phase ${phase} is defined but has no step`);
  const root = defs.repo.root;
  const commit = defs.governing.commit ?? fail({ reason: 'base-missing', base: defs.governing.base });
  const worktree = phaseWorktree(defs.state, workstream.name, step);
  const input = await collectPromptInput({ workstream, config: defs.config }, step, worktree, undefined, commitFiles(root, commit));
  return { phase, attempt: null, run_id: null, file: null, preview: true, base: { branch: defs.config.base, commit }, prompt: renderPrompt(input) };
}
