// Evaluates a gate's checks against a checkout, in order, every check reported.
import type { Check } from '../phases/schema.js';
import { unreachable } from '../failures.js';
import { runCommandCheck } from './command-check.js';
import { runFileCheck } from './file-check.js';
import { checkoutSource } from './files.js';
import { runJsonCheck } from './json-check.js';
import { runTasksCheck } from './tasks-check.js';
import type { CheckResult, GateResult, GateTarget } from './types.js';

type CheckoutCheck = Exclude<Check, { kind: 'approval' }>;

/** Checks that look at files; an approval is a human's decision, handled between commit and merge. */
export function checkoutChecks(checks: readonly Check[]): CheckoutCheck[] {
  return checks.filter((c): c is CheckoutCheck => c.kind !== 'approval');
}

export async function evaluateGate(target: GateTarget, checks: readonly Check[], root: string): Promise<GateResult> {
  const results: CheckResult[] = [];
  for (const check of checkoutChecks(checks)) results.push(await runCheck(check, root));
  return { target, ok: results.every((r) => r.ok), checks: results };
}

function runCheck(check: CheckoutCheck, root: string): Promise<CheckResult> {
  switch (check.kind) {
    case 'file':
      return runFileCheck(check, checkoutSource(root));
    case 'json':
      return runJsonCheck(check, root);
    case 'tasks':
      return runTasksCheck(check, root);
    case 'command':
      return runCommandCheck(check, root);
    default:
      return unreachable(check);
  }
}
