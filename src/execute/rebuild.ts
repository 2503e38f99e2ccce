// Execution's part of the store, rebuilt from git when the store has none of it (lost, or a
// fresh clone): every task merge on the base's first-parent line (the runner publishes them
// there, with the task trailers) marks its task merged, so nothing already merged runs again.
// Tasks not merged start from pending: an attempt in flight when the store was lost is not
// adopted (its worktree is cleared by the next dispatch; its files stay in its checkout's
// snapshot only if it had failed).
import { taskMergesOnLine } from './task-merges.js';
import { branchTip } from '../git/repo.js';
import { EXECUTION } from '../workstream/execution.js';
import type { Execution } from './context.js';

export interface RestoredTask {
  readonly task: string;
  readonly merge: string;
}

export async function rebuildExecution(x: Execution): Promise<RestoredTask[]> {
  const tip = await branchTip(x.repo.root, x.config.base);
  const found = new Map<string, { merge: string; commit: string; attempt: number }>();
  // Newest first: a task merged twice (which the audit reports) counts by its last merge.
  for (const m of await taskMergesOnLine(x.repo.root, tip)) {
    if (found.has(m.task) || x.exec.stepFor(m.task) === undefined) continue;
    found.set(m.task, { merge: m.merge, commit: m.commit, attempt: Number(m.trailers.get('Attempt') ?? '1') || 1 });
  }
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
