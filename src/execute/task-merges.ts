// The task merges on a branch's first-parent line (where the merge queue publishes them), read
// from git by their trailers: the record a lost store is rebuilt from, and `log --workstream
// execution`'s timeline.
import { firstValues, streamPhaseCommits } from '../audit/history.js';
import { EXECUTION } from '../workstream/execution.js';

export interface TaskMerge {
  readonly task: string;
  readonly merge: string;
  /** The task commit it merged (its second parent). */
  readonly commit: string;
  /** Committer date, ISO 8601. */
  readonly date: string;
  readonly subject: string;
  /** Each trailer key's first value. */
  readonly trailers: ReadonlyMap<string, string>;
}

/** Newest first. `ref`: a branch or commit; the walk follows its first parents only. */
export async function taskMergesOnLine(root: string, ref: string): Promise<TaskMerge[]> {
  const merges: TaskMerge[] = [];
  await streamPhaseCommits(
    root,
    ref,
    (c) => {
      const trailers = firstValues(c.trailers);
      const task = trailers.get('Task');
      if (trailers.get('Workstream') !== EXECUTION || task === undefined || c.parents.length !== 2) return;
      merges.push({ task, merge: c.sha, commit: c.parents[1] ?? '', date: c.date, subject: c.body.split('\n', 1)[0] ?? '', trailers });
    },
    'first-parent',
  );
  return merges;
}
