// Collecting a task's attempt when its agent has ended: what the wrapper left (as for a phase:
// src/runner/collect.ts), what changed outside its checkout, the verdict on its checkout
// (src/runner/verdict.ts judgeWork: the same contract as a phase's, its writes as outputs),
// then the runner's commit of its work, and its checks start in the background.
import { existsSync } from 'node:fs';
import { probeAttempt } from '../dispatch/probe.js';
import { runFiles } from '../dispatch/run-dir.js';
import { forgetRepositoryConfig } from '../git/exec.js';
import { checkContainment } from '../runner/containment.js';
import { exitPatch } from '../runner/collect.js';
import { badExitFile, promptGone, stopCrashed, withContainment, wrapperGaveUp } from '../runner/attempt-ending.js';
import { crashPoint } from '../runner/crash-points.js';
import { judgeWork } from '../runner/verdict.js';
import type { RunRow } from '../store/store.js';
import { EXECUTION, type TaskStep } from '../workstream/execution.js';
import { commitTask } from './commit-task.js';
import { committedBefore } from '../runner/commit-phase.js';
import type { Execution } from './context.js';
import { rewritePrompt, startTask, timeoutOf } from './dispatch-task.js';
import { failTask } from './fail-task.js';

export type TaskCollect = 'running' | 'committed' | 'failed';

export async function collectTask(x: Execution, run: RunRow, step: TaskStep): Promise<TaskCollect> {
  const probe = probeAttempt(run.run_dir, run.wrapper_pid, run.run_id, run.launch);
  if (probe.kind !== 'running') forgetRepositoryConfig();
  switch (probe.kind) {
    case 'running':
      return 'running';
    case 'not-started': {
      const gaveUp = wrapperGaveUp(run, probe);
      if (gaveUp !== undefined) return fail(x, run, step, gaveUp);
      if (probe.launch > 1) crashPoint('collect:launch-retired');
      // A runner killed before it wrote the prompt is not the attempt's fault: write it now.
      if (!existsSync(runFiles(run.run_dir).prompt) && probe.launch <= 1) await rewritePrompt(x, step, run);
      if (existsSync(runFiles(run.run_dir).prompt)) {
        await startTask(x, step, run, probe.launch);
        return 'running';
      }
      return fail(x, run, step, promptGone(run));
    }
    case 'crashed':
      return fail(x, run, step, withContainment(await stopCrashed(run, probe), await contained(x, run)));
    case 'bad-exit-file':
      return fail(x, run, step, withContainment(badExitFile(probe), await contained(x, run)));
    case 'exited': {
      const exit = probe.exit;
      x.store.updateRun(run.run_id, exitPatch(exit));
      crashPoint('collect:exit-recorded');
      x.emit({ type: 'task-exited', task: step.id, runId: run.run_id, exitCode: exit.exit_code, signal: exit.signal, durationMs: exit.duration_ms, timedOut: exit.timed_out === true });
      const updated = x.store.run(run.run_id) ?? run;
      const outside = await contained(x, updated);
      if (outside !== undefined) return fail(x, updated, step, outside);
      try {
        if ((await committedBefore(x, updated)) !== undefined) {
          x.store.updateRun(run.run_id, { step: 'committed' });
        } else {
          const verdict = await judgeWork(x, updated, { outputs: step.outputs, timeoutMinutes: timeoutOf(x, step), nothingIsDone: false }, exit);
          if (!verdict.ok) return await fail(x, updated, step, verdict.reason);
          crashPoint('collect:judged');
          await commitTask(x, updated, step, verdict.staged);
        }
      } catch (error) {
        // Until its commit is recorded the attempt is only files in its checkout: fail it like
        // any other (they are kept) rather than leave the task running for ever.
        if (x.store.run(run.run_id)?.step !== 'dispatched') throw error;
        return fail(x, updated, step, `phaserunner could not check or commit this attempt: ${error instanceof Error ? error.message : String(error)}`);
      }
      x.store.transitionTask(EXECUTION, step.id, run.run_id, 'verifying', `attempt ${run.attempt} committed; its checks run`, { commit_sha: x.store.run(run.run_id)?.commit_sha ?? null });
      return 'committed';
    }
  }
}

async function fail(x: Execution, run: RunRow, step: TaskStep, reason: string): Promise<TaskCollect> {
  await failTask(x, x.store.run(run.run_id) ?? run, step, reason);
  return 'failed';
}

async function contained(x: Execution, run: RunRow): Promise<string | undefined> {
  const found = await x.exclusive(() => checkContainment(x, run));
  return found.failure;
}

