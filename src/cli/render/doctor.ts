// The doctor's report for people (a line per check, ✓ ok, ! warning, ✗ failure, and the fix
// under it) and its exit code: that of the first failing check, which the report orders from
// the most fundamental (git) to the most specific (the lock).
import type { CheckName, DoctorCheck, DoctorReport } from '../../doctor/types.js';
import { ExitCode } from '../../exit-codes.js';

const MARK = { ok: '✓', warn: '!', fail: '✗' } as const;

export function doctorLines(report: DoctorReport): string[] {
  return report.checks.flatMap((c) => [
    `${MARK[c.level]} ${label(c)}: ${c.message}`,
    ...(c.fix === null ? [] : [`  fix: ${c.fix}`]),
    ...(c.repaired === null ? [] : [`  repaired: ${c.repaired}`]),
  ]);
}

function label(c: DoctorCheck): string {
  if (c.name !== 'agent') return c.name;
  return `agent ${c.details.agent}${c.details.active ? ' (active)' : ''}`;
}

/** Per check, what its failure means to a script (DESIGN.md's exit codes). */
const FAILURE_CODE: Record<CheckName, ExitCode> = {
  git: ExitCode.unavailable,
  node: ExitCode.unavailable,
  // A warning only (the wrapper falls back on the process group).
  containment: ExitCode.unavailable,
  repository: ExitCode.config,
  definitions: ExitCode.config,
  agent: ExitCode.unavailable,
  sandbox: ExitCode.unavailable,
  base: ExitCode.config,
  // Something `doctor --repair` must fix: a human decides to run it.
  store: ExitCode.humanNeeded,
  // Warnings only: these never fail, but a failure must still map somewhere.
  checkout: ExitCode.humanNeeded,
  worktrees: ExitCode.humanNeeded,
  lock: ExitCode.humanNeeded,
  // Processes a person must stop.
  stragglers: ExitCode.humanNeeded,
  signing: ExitCode.config,
};

/** The first failing check, which decides the exit code and the next step. */
export function firstFailure(report: DoctorReport): DoctorCheck | undefined {
  return report.checks.find((c) => c.level === 'fail');
}

export function doctorExitCode(check: DoctorCheck | undefined): ExitCode {
  if (check === undefined) return ExitCode.ok;
  // An active agent that "agents" does not define is a configuration error, not a missing program.
  if (check.name === 'agent' && check.details.type === null) return ExitCode.config;
  // A malformed definition is bad data, as `run` reports it; the others are configuration.
  if (check.name === 'definitions' && check.details.problem === 'invalid') return ExitCode.badData;
  return FAILURE_CODE[check.name];
}
