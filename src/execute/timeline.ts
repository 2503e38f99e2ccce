// `phaserunner log --workstream execution`: the task merges on the base's first-parent line,
// oldest first, read from git (their trailers), with what the store adds when there is one:
// the attempts that did not merge, and how long each took.
import { taskMergesOnLine } from './task-merges.js';
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
  // Oldest first, as a timeline reads.
  const found = (await taskMergesOnLine(defs.repo.root, tip)).reverse().map((m) => {
    const attempt = Number(m.trailers.get('Attempt'));
    return {
      task: m.task,
      subject: m.subject,
      merge: m.merge,
      commit: m.commit,
      merged_at: m.date,
      run_id: m.trailers.get('Run-Id') ?? null,
      attempt: Number.isSafeInteger(attempt) ? attempt : null,
      agent: m.trailers.get('Agent') ?? null,
      plan_digest: m.trailers.get('Plan-Digest') ?? null,
      approved_by: m.trailers.get('Approved-By') ?? null,
    };
  });
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
