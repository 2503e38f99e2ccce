// Collecting a task's attempt when its agent has ended: what the wrapper left (as for a phase:
// src/runner/collect.ts), what changed outside its checkout, the verdict on its checkout
// (src/runner/verdict.ts judgeWork: the same contract as a phase's, its writes as outputs),
// then the runner's commit of its work, and its checks start in the background.
import { existsSync } from 'node:fs';
import { probeAttempt } from '../dispatch/probe.js';
import { nameStragglers, reapAttempt } from '../dispatch/reap.js';
import { runFiles } from '../dispatch/run-dir.js';
import { forgetRepositoryConfig } from '../git/exec.js';
import { checkContainment } from '../runner/containment.js';
import { exitPatch } from '../runner/collect.js';
import { crashPoint } from '../runner/crash-points.js';
import { judgeWork } from '../runner/verdict.js';
import type { RunRow } from '../store/store.js';
import { killGroup } from '../util/process.js';
import { EXECUTION, type TaskStep } from '../workstream/execution.js';
import { commitTask, taskCommittedBefore } from './commit-task.js';
import type { Execution } from './context.js';
import { rewritePrompt, startTask, timeoutOf } from './dispatch-task.js';
import { failTask } from './fail-task.js';

/** Wrappers that exit without claiming their launch before the attempt is given up (as for phases). */
const WRAPPER_FAILURES = 3;

export type TaskCollect = 'running' | 'committed' | 'failed';

export async function collectTask(x: Execution, run: RunRow, step: TaskStep): Promise<TaskCollect> {
  const probe = probeAttempt(run.run_dir, run.wrapper_pid, run.run_id, run.launch);
  if (probe.kind !== 'running') forgetRepositoryConfig();
  switch (probe.kind) {
    case 'running':
      return 'running';
    case 'not-started': {
      if (probe.wrapperFailures >= WRAPPER_FAILURES) {
        return fail(x, run, step, `the dispatch wrapper exited ${probe.wrapperFailures} times before it started the agent (see ${runFiles(run.run_dir).wrapperLog}); no agent ran for this attempt.`);
      }
      if (probe.launch > 1) crashPoint('collect:launch-retired');
      // A runner killed before it wrote the prompt is not the attempt's fault: write it now.
      if (!existsSync(runFiles(run.run_dir).prompt) && probe.launch <= 1) await rewritePrompt(x, step, run);
      if (existsSync(runFiles(run.run_dir).prompt)) {
        await startTask(x, step, run, probe.launch);
        return 'running';
      }
      return fail(x, run, step, `the runner stopped before starting the agent, and the attempt's prompt (${runFiles(run.run_dir).prompt}) is gone; the attempt never ran.`);
    }
    case 'crashed': {
      if (probe.orphanedAgent !== undefined) killGroup(probe.orphanedAgent, 'SIGKILL');
      const others = (await reapAttempt({ runId: run.run_id, settleMs: 200, deadlineMs: 2_000 })).stragglers.filter((p) => p.pid !== probe.orphanedAgent);
      const stopped = others.length === 0 ? '' : ` (${others.length} of its processes still ran and were stopped: ${nameStragglers(others)})`;
      return fail(x, run, step, withContainment(`${probe.detail}${stopped}; the attempt crashed.`, await contained(x, run)));
    }
    case 'bad-exit-file': {
      const problems = probe.issues.map((i) => `${i.path}: ${i.message}`).join('; ');
      return fail(x, run, step, withContainment(`${probe.file} is not a valid exit.json (${problems}); the attempt cannot count as finished.`, await contained(x, run)));
    }
    case 'exited': {
      const exit = probe.exit;
      x.store.updateRun(run.run_id, exitPatch(exit));
      crashPoint('collect:exit-recorded');
      x.emit({ type: 'task-exited', task: step.id, runId: run.run_id, exitCode: exit.exit_code, signal: exit.signal, durationMs: exit.duration_ms, timedOut: exit.timed_out === true });
      const updated = x.store.run(run.run_id) ?? run;
      const outside = await contained(x, updated);
      if (outside !== undefined) return fail(x, updated, step, outside);
      try {
        if ((await taskCommittedBefore(x, updated)) !== undefined) {
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

function withContainment(reason: string, containment: string | undefined): string {
  return containment === undefined ? reason : `${reason} Also, ${containment}`;
}
