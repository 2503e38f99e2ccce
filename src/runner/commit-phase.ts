// The `commit` success action: the runner, not the agent, commits exactly the changed output
// paths on the phase branch, with the trailers of the git contract. The tree is the one the
// verdict staged and its gate judged (staged-tree.ts): never staged again here.
import { commitTree, updateRefCas } from '../git/commit.js';
import { digestOf, outputFilesAt } from '../git/digest.js';
import { resolveCommit } from '../git/repo.js';
import { buildMessage, quoteForBody } from '../git/trailers.js';
import type { RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { trailersFor } from './trailers-for.js';
import { crashPoint } from './crash-points.js';
import { absorbRunnerRefMoves } from './runner-ref-moves.js';
import type { StagedTree } from './staged-tree.js';

export async function commitPhase(r: Runner, run: RunRow, step: WorkstreamStep, { paths, tree }: StagedTree): Promise<string> {
  const ws = r.workstream.name;
  const digest = digestOf(await outputFilesAt(r.repo.root, tree, step.outputs));
  const message = buildMessage(
    `${ws}: phase ${step.phase} ${step.name} (attempt ${run.attempt})`,
    [`${step.title}, written by ${run.agent} as the ${step.role}.`, '', 'Files:', ...[...paths].sort().map((p) => `- ${quoteForBody(p)}`)],
    trailersFor(ws, step, run, digest),
  );
  const commit = await commitOnRunBranch(r, run, tree, message, `phase ${step.phase}`);
  r.emit({ type: 'committed', phase: step.phase, runId: run.run_id, commit, branch: run.branch, files: paths });
  return commit;
}

/**
 * Commits `tree` on the run's branch, on top of the base the attempt started from: a phase's
 * or a task's work alike. `what` names it in the reflog and in an error. Returns the commit.
 */
export async function commitOnRunBranch(r: Pick<Runner, 'repo' | 'config' | 'store' | 'signCommits'>, run: RunRow, tree: string, message: string, what: string): Promise<string> {
  const commit = await commitTree(r.repo.root, tree, [run.base_sha], message, r.config.identity, { sign: r.signCommits });
  // Intent first: if the runner dies after the branch moves, the next pass knows this commit.
  r.store.updateRun(run.run_id, { commit_sha: commit });
  crashPoint('commit:intent-recorded');
  const ref = `refs/heads/${run.branch}`;
  if (!(await updateRefCas(r.repo.root, ref, commit, run.base_sha, `phaserunner: commit ${what}`))) {
    throw new Error(`${run.branch} moved while phaserunner was committing ${what}`);
  }
  // Other attempts at work (execution runs several) were fingerprinted with the branch as it was.
  absorbRunnerRefMoves(r, [{ ref, from: run.base_sha, to: commit }]);
  crashPoint('commit:ref-moved');
  r.store.updateRun(run.run_id, { step: 'committed' });
  crashPoint('commit:step-recorded');
  return commit;
}

/**
 * The phase commit of this run if the branch already has it: the runner moved the branch and
 * died before recording that it did. Recognised by the commit id recorded (as the intent)
 * before the branch moved, which the agent cannot know in advance, so it cannot forge it.
 */
export async function committedBefore(r: Runner, run: RunRow): Promise<string | undefined> {
  if (run.commit_sha === null) return undefined;
  const tip = await phaseBranchTip(r, run);
  return tip === run.commit_sha ? tip : undefined;
}

/** Where the run's phase branch points now (undefined when it was deleted). */
export function phaseBranchTip(r: Runner, run: RunRow): Promise<string | undefined> {
  return resolveCommit(r.repo.root, `refs/heads/${run.branch}`);
}
