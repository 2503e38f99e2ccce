// The plan execution runs: planning/tasks.json as committed on the base branch's tip (never
// the user's checkout, never a task branch), validated by the one loader the gate and the
// audit use. Its blob id is what every task commit and merge names (Plan-Digest).
import { git } from '../git/exec.js';
import { branchTip } from '../git/repo.js';
import { PLAN_PATH } from '../git/task-trailers.js';
import { fail } from '../failures.js';
import { parsePlan, problemText, type Plan } from '../planning/plan.js';

export interface BasePlan {
  readonly plan: Plan;
  /** The blob id of planning/tasks.json at `tip`. */
  readonly blob: string;
  readonly tip: string;
}

export async function planAtBase(root: string, base: string): Promise<BasePlan> {
  const tip = await branchTip(root, base);
  const found = await git(['rev-parse', '--verify', '--quiet', `${tip}:${PLAN_PATH}`], { cwd: root, okCodes: [1, 128] });
  const blob = found.stdout.trim();
  if (found.exitCode !== 0 || blob === '') {
    fail({ reason: 'plan-invalid', file: PLAN_PATH, base, problems: [`${PLAN_PATH}: not on ${base} (planning's phase 4 writes it)`] });
  }
  const text = (await git(['cat-file', 'blob', blob], { cwd: root })).stdout;
  const result = parsePlan(text, PLAN_PATH);
  if (!result.ok) fail({ reason: 'plan-invalid', file: PLAN_PATH, base, problems: result.problems.map(problemText) });
  return { plan: result.plan, blob, tip };
}
