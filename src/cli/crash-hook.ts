// Test-only: PHASERUNNER_TEST_CRASH_AT=<point>[@<n>] kills this process with SIGKILL the n-th
// time (default: the first) the runner passes that point, exactly as `kill -9` would. The
// crash-point sweep (test/e2e/crash-sweep.test.ts) drives it. Nothing else reads it.
import { CRASH_POINTS, onCrashPoint, type CrashPoint } from '../runner/crash-points.js';

const VARIABLE = 'PHASERUNNER_TEST_CRASH_AT';

/** Installs the hook when the variable is set; returns a problem with its value, if any. */
export function installCrashHook(env: NodeJS.ProcessEnv): string | undefined {
  const spec = env[VARIABLE];
  // Read once and removed: agents and gate commands started by this runner must not inherit it.
  Reflect.deleteProperty(env, VARIABLE);
  if (spec === undefined || spec === '') return undefined;
  const [name = '', nth = '1'] = spec.split('@');
  if (!(CRASH_POINTS as readonly string[]).includes(name) || !/^[1-9][0-9]*$/.test(nth)) {
    return `${VARIABLE}=${spec} is not a crash point; expected one of ${CRASH_POINTS.join(', ')}, optionally followed by @<n>.`;
  }
  let seen = 0;
  onCrashPoint((point: CrashPoint) => {
    if (point === name && ++seen === Number(nth)) process.kill(process.pid, 'SIGKILL');
  });
  return undefined;
}
