// A mutating command's lifetime: validate (no side effects, so bad input changes nothing),
// take the lock, open the runner, and always release and close.
import { mkdirSync } from 'node:fs';
import { openRunner, validateForRun, type Runner } from './context.js';
import type { Emit } from './events.js';
import { acquireLock } from './lock.js';

export async function withRunner<T>(cwd: string, emit: Emit, fn: (r: Runner) => Promise<T>): Promise<T> {
  const validated = await validateForRun(cwd);
  mkdirSync(validated.state.dir, { recursive: true });
  const lock = acquireLock(validated.state.lock);
  try {
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
