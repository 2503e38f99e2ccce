// The runner commits a task's verified work on its branch, as it does a phase's: exactly the
// tree the verdict staged, one parent (the base tip the attempt started from), the task
// trailers (docs/git-contract.md, "Execution"). Intent first, so that a runner killed after
// the branch moved recognises the commit as its own.
import { commitTree, updateRefCas } from '../git/commit.js';
import { digestOf, outputFilesAt } from '../git/digest.js';
import { resolveCommit } from '../git/repo.js';
import { buildTaskMessage, planDigestOf, type TaskTrailers } from '../git/task-trailers.js';
import { quoteForBody } from '../git/trailers.js';
import { crashPoint } from '../runner/crash-points.js';
import type { StagedTree } from '../runner/staged-tree.js';
import type { RunRow } from '../store/store.js';
import { EXECUTION, type TaskStep } from '../workstream/execution.js';
import type { Execution } from './context.js';
import { absorbRefMoves } from './own-moves.js';

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
  const commit = await commitTree(x.repo.root, tree, [run.base_sha], message, x.config.identity, { sign: x.signCommits });
  x.store.updateRun(run.run_id, { commit_sha: commit });
  crashPoint('commit:intent-recorded');
  const ref = `refs/heads/${run.branch}`;
  if (!(await updateRefCas(x.repo.root, ref, commit, run.base_sha, `phaserunner: commit task ${step.id}`))) {
    throw new Error(`${run.branch} moved while phaserunner was committing task ${step.id}`);
  }
  absorbRefMoves(x, [{ ref, from: run.base_sha, to: commit }]);
  crashPoint('commit:ref-moved');
  x.store.updateRun(run.run_id, { step: 'committed' });
  crashPoint('commit:step-recorded');
  x.emit({ type: 'task-committed', task: step.id, runId: run.run_id, commit, branch: run.branch, files: paths });
  return commit;
}

/** The task's commit when its branch has it already (the runner died after moving the branch). */
export async function taskCommittedBefore(x: Execution, run: RunRow): Promise<string | undefined> {
  if (run.commit_sha === null) return undefined;
  return (await resolveCommit(x.repo.root, `refs/heads/${run.branch}`)) === run.commit_sha ? run.commit_sha : undefined;
}
