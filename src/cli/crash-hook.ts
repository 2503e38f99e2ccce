// Test-only: PHASERUNNER_TEST_CRASH_AT=<point>[@<n>] kills this process with SIGKILL the n-th
// time (default: the first) the runner passes that point, exactly as `kill -9` would. The
// crash-point sweep (test/e2e/crash-sweep.test.ts) drives it. Nothing else reads it.
import { CRASH_POINTS, onCrashPoint, type CrashPoint } from '../runner/crash-points.js';

export function installCrashHook(spec: string | undefined): void {
  if (spec === undefined || spec === '') return;
  const [name = '', nth = '1'] = spec.split('@');
  if (!(CRASH_POINTS as readonly string[]).includes(name) || !/^[1-9][0-9]*$/.test(nth)) {
    throw new Error(`PHASERUNNER_TEST_CRASH_AT=${spec}: expected one of ${CRASH_POINTS.join(', ')}, optionally @<n>`);
  }
  let seen = 0;
  onCrashPoint((point: CrashPoint) => {
    if (point === name && ++seen === Number(nth)) process.kill(process.pid, 'SIGKILL');
  });
}
