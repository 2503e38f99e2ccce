// A mutating command's lifetime: validate (no side effects, so bad input changes nothing),
// take the lock, open the runner, and always release and close.
import { mkdirSync } from 'node:fs';
import { openRunner, validateForRun, type Runner, type Validated } from './context.js';
import type { Emit } from './events.js';
import { acquireLock } from './lock.js';
import { crashPoint } from './crash-points.js';

export async function withRunner<T>(
  cwd: string,
  emit: Emit,
  fn: (r: Runner) => Promise<T>,
  /** More validation of the command's own arguments, before anything is touched. */
  precheck?: (v: Validated) => void,
): Promise<T> {
  const validated = await validateForRun(cwd);
  precheck?.(validated);
  mkdirSync(validated.state.dir, { recursive: true });
  const lock = acquireLock(validated.state.lock);
  try {
    crashPoint('lock:acquired');
    const r = openRunner(validated, emit);
    try {
      return await fn(r);
    } finally {
      r.store.close();
    }
  } finally {
    lock.release();
  }
}
