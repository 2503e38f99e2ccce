// Failing an attempt: keep every file the agent wrote (a snapshot commit on a ref of its own,
// ignored outputs included; not when they are over the output limits, see output-limits.ts),
// record why, and move the phase to failed. The checkout stays for inspection until a retry.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { snapshotWorktree } from '../git/commit.js';
import { checkoutOf, ignoredOutputFiles } from '../git/status.js';
import type { RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { attemptSnapshotRef } from './naming.js';
import { attemptLimit } from './attempts.js';
import { crashPoint } from './crash-points.js';
import { tooMuchToKeep } from './output-limits.js';
import { phaseOf, phaseStep } from '../workstream/step-id.js';

export async function failRun(r: Runner, run: RunRow, step: WorkstreamStep, failure: string): Promise<void> {
  const unkept = await tooMuchToKeep(r, run, step);
  const snapshot = unkept === undefined ? await keepFiles(r, run, step.outputs, `phase ${phaseOf(run)}`) : null;
  const reason = unkept === undefined ? failure : `${failure} ${unkept}`;
  crashPoint('fail:snapshot-kept');
  r.store.write(() => {
    r.store.updateRun(run.run_id, { step: 'failed', failure: reason });
    r.store.transition(r.workstream.name, phaseStep(phaseOf(run)), run.run_id, 'failed', `attempt ${run.attempt} failed: ${reason}`);
  });
  crashPoint('fail:recorded');
  r.emit({
    type: 'phase-failed',
    phase: phaseOf(run),
    name: step.name,
    runId: run.run_id,
    attempt: run.attempt,
    maxAttempts: attemptLimit(r.config, r.store.phase(r.workstream.name, phaseStep(phaseOf(run)))),
    reason,
    runDir: run.run_dir,
    snapshot,
  });
}

/**
 * Best effort: an agent that deleted its checkout leaves nothing to keep, and one that broke
 * its checkout's .git is left as a directory (the next dispatch moves it into the run
 * directory). Git is never pointed at a directory that is not its own worktree.
 */
export async function keepFiles(r: Pick<Runner, 'config'>, run: RunRow, outputs: readonly string[], what: string): Promise<string | null> {
  if (!existsSync(run.worktree) || (await checkoutOf(run.worktree)) === undefined) return null;
  const ref = attemptSnapshotRef(run.run_id);
  try {
    const ignored = await ignoredOutputFiles(run.worktree, outputs);
    await snapshotWorktree(
      run.worktree,
      run.base_sha,
      ref,
      `phaserunner: files of failed attempt ${run.attempt} of ${what} (run ${run.run_id})`,
      join(run.run_dir, 'snapshot.index'),
      r.config.identity,
      ignored,
    );
    return ref;
  } catch {
    return null;
  }
}
