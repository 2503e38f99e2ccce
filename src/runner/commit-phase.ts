// The `commit` success action: the runner, not the agent, commits exactly the changed output
// paths on the phase branch, with the trailers of the git contract.
import { commitTree, stagePaths, updateRefCas } from '../git/commit.js';
import { digestOf, outputFilesAt } from '../git/digest.js';
import { buildMessage, quoteForBody } from '../git/trailers.js';
import type { RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { trailersFor } from './trailers-for.js';

export async function commitPhase(r: Runner, run: RunRow, step: WorkstreamStep, paths: readonly string[]): Promise<string> {
  const ws = r.workstream.name;
  const tree = await stagePaths(run.worktree, paths);
  const digest = digestOf(await outputFilesAt(r.repo.root, tree, step.outputs));
  const message = buildMessage(
    `${ws}: phase ${step.phase} ${step.name} (attempt ${run.attempt})`,
    [`${step.title}, written by ${run.agent} as the ${step.role}.`, '', 'Files:', ...[...paths].sort().map((p) => `- ${quoteForBody(p)}`)],
    trailersFor(ws, step, run, digest),
  );
  const commit = await commitTree(r.repo.root, tree, [run.base_sha], message, r.config.identity);
  const ref = `refs/heads/${run.branch}`;
  if (!(await updateRefCas(r.repo.root, ref, commit, run.base_sha, `phaserunner: commit phase ${step.phase}`))) {
    throw new Error(`${run.branch} moved while phaserunner was committing phase ${step.phase}`);
  }
  r.store.updateRun(run.run_id, { step: 'committed', commit_sha: commit });
  r.emit({ type: 'committed', phase: step.phase, runId: run.run_id, commit, branch: run.branch, files: paths });
  return commit;
}
