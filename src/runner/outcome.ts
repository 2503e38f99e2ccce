// The exit code of a pass (DESIGN.md): 65 when an exit.json was malformed, 1 when a phase
// failed, 2 when a gate is not met or a human is needed, 130 when interrupted, else 0.
import { ExitCode } from '../exit-codes.js';
import type { PassResult } from './loop.js';

export function exitCodeOf(result: PassResult & { interrupted?: boolean }): ExitCode {
  if (result.interrupted === true) return ExitCode.interrupted;
  if (result.badData) return ExitCode.badData;
  if (result.complete || result.untilReached) return ExitCode.ok;
  if (result.failed.length > 0) return ExitCode.phaseFailed;
  if (result.blocked.length > 0 || result.conflicts.length > 0 || result.awaiting.length > 0) return ExitCode.humanNeeded;
  return ExitCode.ok;
}
