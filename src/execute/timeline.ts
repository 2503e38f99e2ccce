// `phaserunner log --workstream execution`: the task merges on the base's first-parent line,
// oldest first, read from git (their trailers), with what the store adds when there is one:
// the attempts that did not merge, and how long each took.
import { firstValues, streamPhaseCommits } from '../audit/history.js';
import { openDefinitions } from '../definitions/open.js';
import { withStoreReadOnly } from '../runner/store-open.js';
import type { RunRow } from '../store/store.js';
import { EXECUTION } from '../workstream/execution.js';

export interface TaskTimelineEntry {
  readonly task: string;
  readonly subject: string;
  readonly merge: string;
  readonly commit: string | null;
  readonly merged_at: string;
  readonly run_id: string | null;
  readonly attempt: number | null;
  readonly agent: string | null;
  readonly plan_digest: string | null;
  readonly approved_by: string | null;
  /** The merged attempt's agent time, from the store. */
  readonly duration_ms: number | null;
  /** Attempts before it that did not merge (from the store). */
  readonly earlier_attempts: readonly { readonly attempt: number; readonly outcome: string; readonly reason: string | null }[];
}

export interface TaskTimeline {
  readonly workstream: 'execution';
  readonly ref: string;
  readonly store: boolean;
  readonly entries: readonly TaskTimelineEntry[];
}

export async function executionTimeline(cwd: string, ref?: string): Promise<TaskTimeline> {
  const defs = await openDefinitions(cwd, 'view', { saveCache: false });
  const tip = ref ?? defs.config.base;
  const runs = withStoreReadOnly(defs.state.db, (store) => (store === undefined ? undefined : store.runs(EXECUTION)));
  const found: Omit<TaskTimelineEntry, 'duration_ms' | 'earlier_attempts'>[] = [];
  await streamPhaseCommits(
    defs.repo.root,
    tip,
    (c) => {
      const t = firstValues(c.trailers);
      const task = t.get('Task');
      if (t.get('Workstream') !== EXECUTION || task === undefined || c.parents.length !== 2) return;
      const attempt = Number(t.get('Attempt'));
      found.unshift({
        task,
        subject: c.body.split('\n', 1)[0] ?? '',
        merge: c.sha,
        commit: c.parents[1] ?? null,
        merged_at: c.date,
        run_id: t.get('Run-Id') ?? null,
        attempt: Number.isSafeInteger(attempt) ? attempt : null,
        agent: t.get('Agent') ?? null,
        plan_digest: t.get('Plan-Digest') ?? null,
        approved_by: t.get('Approved-By') ?? null,
      });
    },
    'first-parent',
  );
  const byRun = new Map((runs ?? []).map((r) => [r.run_id, r]));
  const entries = found.map((e): TaskTimelineEntry => {
    const run = e.run_id === null ? undefined : byRun.get(e.run_id);
    const earlier = (runs ?? []).filter((r: RunRow) => r.step_id === e.task && run !== undefined && r.attempt < run.attempt);
    return {
      ...e,
      duration_ms: run?.duration_ms ?? null,
      earlier_attempts: earlier.map((r) => ({ attempt: r.attempt, outcome: r.step, reason: r.failure })),
    };
  });
  return { workstream: 'execution', ref: tip, store: runs !== undefined, entries };
}
