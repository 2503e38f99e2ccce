// Failing an attempt: keep every file the agent wrote (a snapshot commit on a ref of its own),
// record why, and move the phase to failed. The checkout stays for inspection until a retry.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotWorktree } from '../git/commit.js';
import type { RunRow } from '../store/store.js';
import type { Runner } from './context.js';
import { attemptSnapshotRef } from './naming.js';

export async function failRun(r: Runner, run: RunRow, name: string, reason: string): Promise<void> {
  const snapshot = await keepFiles(r, run);
  r.store.write(() => {
    r.store.updateRun(run.run_id, { step: 'failed', failure: reason });
    r.store.transition(r.workstream.name, run.phase, run.run_id, 'failed', `attempt ${run.attempt} failed: ${reason}`);
  });
  r.emit({
    type: 'phase-failed',
    phase: run.phase,
    name,
    runId: run.run_id,
    attempt: run.attempt,
    maxAttempts: r.config.max_attempts,
    reason,
    runDir: run.run_dir,
    snapshot,
  });
}

/** Best effort: an agent that deleted its checkout leaves nothing to keep. */
async function keepFiles(r: Runner, run: RunRow): Promise<string | null> {
  if (!existsSync(run.worktree)) return null;
  const ref = attemptSnapshotRef(run.run_id);
  try {
    await snapshotWorktree(
      run.worktree,
      run.base_sha,
      ref,
      `phaserunner: files of failed attempt ${run.attempt} of phase ${run.phase} (run ${run.run_id})`,
      join(run.run_dir, 'snapshot.index'),
      r.config.identity,
    );
    return ref;
  } catch {
    return null;
  }
}
