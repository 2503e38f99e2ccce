// A task's checks, run in its checkout once its agent has ended and its work is committed (the
// checkout holds exactly the committed files: the verdict refused anything else). In the
// background (jobs.ts): a test suite that runs for minutes does not stall the other tasks.
import { runChecks, type CandidateCheck, type CheckResult } from '../integrate/checks.js';
import type { RunRow } from '../store/store.js';
import type { TaskStep } from '../workstream/execution.js';
import type { Job } from './jobs.js';

export type VerifyOutcome = { readonly ok: true; readonly checks: number } | { readonly ok: false; readonly failed: CheckResult };

/** The task's checks as the merge queue's checks run them, labelled for progress and prompts. */
export function taskChecks(step: TaskStep): CandidateCheck[] {
  return step.checks.map((c, i) => ({ label: `${step.id} check ${i + 1}`, argv: c.argv, timeout_seconds: c.timeout_seconds }));
}

export async function verifyTask(run: RunRow, step: TaskStep, job: Job<VerifyOutcome>, signal: AbortSignal): Promise<VerifyOutcome> {
  const checks = taskChecks(step);
  const results = await runChecks(checks, {
    cwd: run.worktree,
    signal,
    onProgress: (p) => {
      if (p.kind === 'check-started') job.line = `check ${p.index + 1}/${p.total}: ${(checks[p.index]?.argv ?? []).join(' ')}`;
    },
  });
  const failed = results.find((r) => !r.ok);
  return failed === undefined ? { ok: true, checks: checks.length } : { ok: false, failed };
}
