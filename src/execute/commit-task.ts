// The runner commits a task's verified work on its branch, as it does a phase's: exactly the
// tree the verdict staged, one parent (the base tip the attempt started from), the task
// trailers (docs/git-contract.md, "Execution"). Intent first, so that a runner killed after
// the branch moved recognises the commit as its own.
import { digestOf, outputFilesAt } from '../git/digest.js';
import { buildTaskMessage, planDigestOf, type TaskTrailers } from '../git/task-trailers.js';
import { quoteForBody } from '../git/trailers.js';
import { commitOnRunBranch } from '../runner/commit-phase.js';
import type { StagedTree } from '../runner/staged-tree.js';
import type { RunRow } from '../store/store.js';
import { EXECUTION, type TaskStep } from '../workstream/execution.js';
import type { Execution } from './context.js';

/** The subject of a task's commit and of its merge: one line, whatever the plan's title holds. */
export function taskSubject(step: TaskStep, merge: boolean): string {
  return `${EXECUTION}: ${merge ? 'merge ' : ''}${step.id} ${step.title.replace(/\s+/g, ' ').trim()}`;
}

/** The trailers of the task's commit and its merge; `artifactsDigest` over the task's writes at the commit carrying them. */
export function taskTrailers(x: Execution, run: RunRow, artifactsDigest: string): TaskTrailers {
  return {
    workstream: EXECUTION,
    task: run.step_id,
    runId: run.run_id,
    attempt: run.attempt,
    agent: run.agent,
    exitCode: run.exit_code ?? 0,
    artifactsDigest,
    planDigest: planDigestOf(x.exec.planBlob),
  };
}

export async function writesDigest(x: Execution, treeish: string, step: TaskStep): Promise<string> {
  return digestOf(await outputFilesAt(x.repo.root, treeish, step.outputs));
}

export async function commitTask(x: Execution, run: RunRow, step: TaskStep, { paths, tree }: StagedTree): Promise<string> {
  const message = buildTaskMessage(
    taskSubject(step, false),
    [`Attempt ${run.attempt}, written by ${run.agent} as the ${step.role}.`, '', 'Files:', ...[...paths].sort().map((p) => `- ${quoteForBody(p)}`)],
    taskTrailers(x, run, await writesDigest(x, tree, step)),
  );
  const commit = await commitOnRunBranch(x, run, tree, message, `task ${step.id}`);
  x.emit({ type: 'task-committed', task: step.id, runId: run.run_id, commit, branch: run.branch, files: paths });
  return commit;
}
