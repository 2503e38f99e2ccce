// Execution's part of the store, rebuilt from git when the store has none of it (lost, or a
// fresh clone): every task merge on the base's first-parent line (the runner publishes them
// there, with the task trailers) marks its task merged, so nothing already merged runs again.
// Tasks not merged start from pending: an attempt in flight when the store was lost is not
// adopted (its worktree is cleared by the next dispatch; its files stay in its checkout's
// snapshot only if it had failed).
import { firstValues, streamPhaseCommits } from '../audit/history.js';
import { branchTip } from '../git/repo.js';
import { EXECUTION } from '../workstream/execution.js';
import type { Execution } from './context.js';

export interface RestoredTask {
  readonly task: string;
  readonly merge: string;
}

export async function rebuildExecution(x: Execution): Promise<RestoredTask[]> {
  const tip = await branchTip(x.repo.root, x.config.base);
  const found = new Map<string, { merge: string; commit: string; runId: string | undefined; attempt: number }>();
  await streamPhaseCommits(
    x.repo.root,
    tip,
    (c) => {
      const t = firstValues(c.trailers);
      const task = t.get('Task');
      if (t.get('Workstream') !== EXECUTION || task === undefined || c.parents.length !== 2) return;
      // Newest first: a task merged twice (which the audit reports) counts by its last merge.
      if (found.has(task) || x.exec.stepFor(task) === undefined) return;
      found.set(task, { merge: c.sha, commit: c.parents[1] ?? '', runId: t.get('Run-Id'), attempt: Number(t.get('Attempt') ?? '1') || 1 });
    },
    'first-parent',
  );
  const restored: RestoredTask[] = [];
  for (const id of x.exec.stepIds) {
    const merged = found.get(id);
    if (merged === undefined) continue;
    x.store.restoreTask(EXECUTION, id, null, 'merged', `merged into ${x.config.base} as ${merged.merge} (restored from git: the store had no record of it)`, {
      attempts: merged.attempt,
      commit_sha: merged.commit,
      merge_sha: merged.merge,
    });
    restored.push({ task: id, merge: merged.merge });
  }
  return restored;
}
