// Evaluates a gate's checks, in order, every check reported. The file, json and tasks checks
// read from a FileSource: by default the checkout at `root`; the runner's beforeAdvance gate
// passes the tree it staged, so that what the gate judged is exactly what is committed. The
// command checks always run in the checkout at `root`: they run programs, which need files on
// disk (the same bytes: the runner stages the checkout's files exactly, src/git/commit.ts).
import type { Check } from '../phases/schema.js';
import { unreachable } from '../failures.js';
import { runCommandCheck } from './command-check.js';
import { runFileCheck } from './file-check.js';
import { checkoutSource, type FileSource } from './files.js';
import { runJsonCheck } from './json-check.js';
import { runTasksCheck } from './tasks-check.js';
import type { CheckResult, GateResult, GateTarget } from './types.js';

export type CheckoutCheck = Exclude<Check, { kind: 'approval' }>;

export interface GateFiles {
  /** Where the file, json and tasks checks read (default: the checkout at `root`). */
  readonly files?: FileSource;
}

/** Checks that look at files; an approval is a human's decision, handled between commit and merge. */
export function checkoutChecks(checks: readonly Check[]): CheckoutCheck[] {
  return checks.filter((c): c is CheckoutCheck => c.kind !== 'approval');
}

export async function evaluateGate(target: GateTarget, checks: readonly Check[], root: string, options: GateFiles = {}): Promise<GateResult> {
  const files = options.files ?? checkoutSource(root);
  const run = checkoutChecks(checks);
  const results: CheckResult[] = [];
  for (const check of run) results.push(await runCheck(check, root, files));
  return { target, ok: results.every((r) => r.ok), checks: results };
}

function runCheck(check: CheckoutCheck, root: string, files: FileSource): Promise<CheckResult> {
  switch (check.kind) {
    case 'file':
      return runFileCheck(check, files);
    case 'json':
      return runJsonCheck(check, files);
    case 'tasks':
      return runTasksCheck(check, files);
    case 'command':
      return runCommandCheck(check, root);
    default:
      return unreachable(check);
  }
}
