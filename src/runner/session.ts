// A mutating command's lifetime: validate (no side effects, so bad input changes nothing),
// take the lock, open the runner, and always release and close.
import { mkdirSync } from 'node:fs';
import { openRunner, validateForRun, type Runner, type Validated } from './context.js';
import type { Emit } from './events.js';
import { acquireLock } from './lock.js';
import { rebuildFromGit } from './rebuild.js';
import { crashPoint } from './crash-points.js';
import { publishRecords } from './records.js';

export interface RunnerHooks {
  /** More validation of the command's own arguments, before anything is touched. */
  readonly precheck?: (v: Validated) => void;
  /** Work on the state files that needs the lock but comes before the store is opened (doctor --repair). */
  readonly beforeOpen?: (v: Validated) => void;
  /** False when the command starts no agent (doctor --repair): a missing agent program must not stop it. */
  readonly preflight?: boolean;
}

export async function withRunner<T>(cwd: string, emit: Emit, fn: (r: Runner) => Promise<T>, { precheck, beforeOpen, preflight }: RunnerHooks = {}): Promise<T> {
  const validated = await validateForRun(cwd, { preflight });
  precheck?.(validated);
  mkdirSync(validated.state.dir, { recursive: true });
  const lock = acquireLock(validated.state.lock);
  try {
    crashPoint('lock:acquired');
    beforeOpen?.(validated);
    const r = openRunner(validated, emit);
    try {
      // A store with nothing recorded (new, lost, or lost while being rebuilt) is rebuilt from
      // git before anything else, so nothing already done runs again. After the first pass has
      // recorded a transition (a blocked gate, a dispatch), history is not walked again.
      if (!r.store.hasHistory(r.workstream.name)) {
        const phases = await rebuildFromGit(r);
        if (phases.length > 0) {
          crashPoint('rebuild:recorded');
          emit({ type: 'store-rebuilt', file: validated.state.db, phases });
        }
      }
      // A replan or acknowledgement recorded by a runner that died before publishing it: on
      // the base before anything it allows can run.
      await publishRecords(r);
      return await fn(r);
    } finally {
      r.store.close();
    }
  } finally {
    lock.release();
  }
}
