// Dispatching one attempt of a task: its checkout on its own branch from the base tip (which
// has its dependencies merged), its prompt, the run recorded, then its agent started detached
// under the wrapper, exactly as a phase's (src/runner/dispatch-phase.ts launchAttempt).
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { runFiles } from '../dispatch/run-dir.js';
import { gitOut } from '../git/exec.js';
import { outputFilesAt } from '../git/digest.js';
import { branchTip, resolveCommit } from '../git/repo.js';
import { addWorktree } from '../git/worktree.js';
import { clearCheckout, launchAttempt } from '../runner/dispatch-phase.js';
import { checkoutFiles } from '../runner/prompt-input.js';
import { crashPoint } from '../runner/crash-points.js';
import type { RunRow, TaskRow } from '../store/store.js';
import { writeFileAtomic } from '../util/fs.js';
import { ulid } from '../util/ulid.js';
import { EXECUTION, taskBranch, type TaskStep } from '../workstream/execution.js';
import { readAttemptNotes } from './attempt-notes.js';
import { taskWorktree, type Execution } from './context.js';
import { absorbRunnerRefMoves } from '../runner/runner-ref-moves.js';
import { renderTaskPrompt, type TaskPromptDependency, type TaskPromptInput } from './task-prompt.js';

/** The run's dispatch; the task's row must be in a state that may go to `running`. */
export async function dispatchTask(x: Execution, step: TaskStep): Promise<RunRow> {
  const row = taskRow(x, step.id);
  const root = x.repo.root;
  const branch = taskBranch(step.id);
  const worktree = taskWorktree(x, step.id);
  const baseSha = await branchTip(root, x.config.base);
  const previousRun = x.store.runs(EXECUTION, step.id).at(-1);
  await clearCheckout(x, worktree, previousRun?.run_dir);
  const branchBefore = await resolveCommit(root, `refs/heads/${branch}`);
  await addWorktree(root, worktree, branch, baseSha);
  // The runner moved a ref while other agents work: theirs must not be failed for it.
  absorbRunnerRefMoves(x, [{ ref: `refs/heads/${branch}`, from: branchBefore, to: baseSha }]);
  crashPoint('dispatch:worktree-added');

  const runId = ulid();
  const attempt = row.attempts + 1;
  const runDir = join(x.state.runs, runId);
  const input = await promptInput(x, step, worktree, baseSha, previousRun);
  const agent = x.agentFor(step);
  // Recorded before its directory exists: an agent at work judged meanwhile must find the
  // directory a run of the store's, not one it could have planted (containment.ts). A runner
  // that dies before the prompt is written leaves a run the next pass fails as never started.
  x.store.write(() => {
    x.store.insertRun({ run_id: runId, workstream: EXECUTION, step_id: step.id, attempt, agent: agent.name, branch, worktree, run_dir: runDir, base_sha: baseSha });
    x.store.transitionTask(EXECUTION, step.id, runId, 'running', `attempt ${attempt} dispatched to ${agent.name}`, { attempts: attempt, branch, commit_sha: null, merge_sha: null });
  });
  mkdirSync(runDir, { recursive: true });
  writeFileAtomic(runFiles(runDir).prompt, renderTaskPrompt(input));
  crashPoint('dispatch:prompt-written');
  crashPoint('dispatch:run-recorded');
  const run = x.store.run(runId);
  if (run === undefined) throw new Error(`run ${runId} was not recorded`);
  await startTask(x, step, run, 1);
  x.emit({
    type: 'task-dispatched',
    task: step.id,
    title: step.title,
    attempt,
    maxAttempts: step.maxAttempts,
    runId,
    agent: agent.name,
    branch,
    worktree,
    runDir,
    timeoutMinutes: timeoutOf(x, step),
    resolution: input.conflict !== undefined,
  });
  return run;
}

/**
 * Writes a recorded run's prompt again: the runner stopped between recording the run and
 * writing it. The prompt is made from what the store and the base say, as at dispatch.
 */
export async function rewritePrompt(x: Execution, step: TaskStep, run: RunRow): Promise<void> {
  const previous = x.store.runs(EXECUTION, step.id).filter((r) => r.attempt < run.attempt).at(-1);
  mkdirSync(run.run_dir, { recursive: true });
  writeFileAtomic(runFiles(run.run_dir).prompt, renderTaskPrompt(await promptInput(x, step, run.worktree, run.base_sha, previous)));
}

/** Starts (or, for a later launch, starts again) the agent of a recorded task run. */
export async function startTask(x: Execution, step: TaskStep, run: RunRow, launch: number): Promise<void> {
  // Its fingerprint is taken inside: not while the merge queue moves the base (context.ts).
  await x.exclusive(() => launchAttempt(x, run, launch, {
    agent: x.agentFor(step),
    // A task is no planning phase: phase 0, and its id where a phase's name goes.
    context: { phase: 0, phaseName: step.id, role: step.role, outputs: step.outputs, workstream: EXECUTION, task: step.id },
    timeoutMinutes: timeoutOf(x, step),
  }));
}

export function timeoutOf(x: Execution, step: TaskStep): number {
  return step.timeoutMinutes ?? x.config.timeouts.phase_minutes;
}

export function taskRow(x: Execution, id: string): TaskRow {
  const row = x.store.task(EXECUTION, id);
  if (row === undefined) throw new Error(`task ${id} missing from the store`);
  return row;
}

async function promptInput(x: Execution, step: TaskStep, worktree: string, baseSha: string, previousRun: RunRow | undefined): Promise<TaskPromptInput> {
  const root = x.repo.root;
  const rows = new Map(x.store.tasks(EXECUTION).map((t) => [t.step_id, t]));
  const dependencies: TaskPromptDependency[] = [];
  for (const id of step.dependsOn) {
    const merge = rows.get(id)?.merge_sha;
    if (merge == null) continue;
    const files = (await gitOut(['diff', '--name-only', '--no-renames', '-z', `${merge}^1`, merge], { cwd: root })).split('\0').filter((p) => p !== '');
    dependencies.push({ id, title: x.exec.stepFor(id)?.title ?? id, merge, files });
  }
  // The planning documents: what the planning phases wrote, as the base has them.
  // One listing of the base for every phase's outputs (not one per phase: a git each).
  const outputs = x.workstream.phaseIds.flatMap((phase) => x.workstream.stepForPhase(phase)?.outputs ?? []);
  const planningDocs = (await outputFilesAt(root, baseSha, outputs)).map((file) => file.path);
  const notes = previousRun === undefined ? {} : readAttemptNotes(previousRun.run_dir);
  return {
    step,
    taskCount: x.exec.stepIds.length,
    base: x.config.base,
    baseSha,
    worktree,
    intentPath: x.config.intent,
    // Read as a phase's prompt reads it: inside the checkout, no link followed out of it.
    intent: await checkoutFiles(worktree).read(x.config.intent),
    planningDocs,
    dependencies,
    integrationChecks: x.exec.integrationChecks,
    previous:
      previousRun?.failure == null
        ? undefined
        : { attempt: previousRun.attempt, reason: previousRun.failure, rejected: previousRun.step === 'rejected', ...(notes.failedCheck === undefined ? {} : { failedCheck: notes.failedCheck }) },
    conflict: notes.conflict,
  };
}
