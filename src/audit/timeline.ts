// `phaserunner log`: the planning timeline as git records it (every phase merge on the base,
// oldest first), with what only the store knows (durations, attempts that did not merge)
// added when the store is there.
import type { Definitions } from '../definitions/open.js';
import { boundaryOf, readShallow } from '../git/shallow.js';
import { withStoreReadOnly } from '../runner/store-open.js';
import type { RunRow } from '../store/store.js';
import { claimsTask } from '../git/task-trailers.js';
import { PLANNING } from '../workstream/planning.js';
import { firstValues, resolveTip, streamPhaseCommits } from './history.js';
import { phaseOf } from '../workstream/step-id.js';

export interface TimelineAttempt {
  readonly attempt: number;
  readonly run_id: string;
  readonly outcome: string;
  readonly reason: string | null;
  readonly duration_ms: number | null;
}

export interface TimelineEntry {
  readonly phase: number | null;
  readonly name: string | null;
  readonly run_id: string | null;
  readonly attempt: number | null;
  readonly agent: string | null;
  readonly commit: string | null;
  readonly merge: string;
  readonly merged_at: string;
  readonly approved_by: string | null;
  readonly approved_at: string | null;
  /** The agent's run time, from the store. */
  readonly duration_ms: number | null;
  /** Earlier attempts of the phase that did not merge (failed, rejected, conflicted), from the store. */
  readonly earlier_attempts: readonly TimelineAttempt[];
}

/** A replan or acknowledgement recorded on the base (src/runner/records.ts). */
export interface TimelineRecord {
  readonly kind: string;
  readonly phase: number | null;
  readonly by: string | null;
  readonly at: string | null;
  readonly reason: string;
  readonly commit: string;
  /** The merge it came after (entries' `merge`); null when it came before every merge. */
  readonly after_merge: string | null;
}

export interface Timeline {
  readonly ref: string;
  readonly store: boolean;
  readonly entries: readonly TimelineEntry[];
  readonly records: readonly TimelineRecord[];
  /** In a shallow clone whose history of the ref is cut: where (earlier merges are not listed); null otherwise. */
  readonly shallow: { readonly boundary: readonly string[] } | null;
}

export async function timeline(defs: Definitions, ref?: string): Promise<Timeline> {
  const root = defs.repo.root;
  const target = ref ?? defs.config.base;
  const tip = await resolveTip(root, { ref, governing: defs.governing });
  const merges: TimelineEntry[] = [];
  const indexes: number[] = [];
  const runs = readRuns(defs.state.db);
  const byId = new Map(runs?.map((r) => [r.run_id, r]));
  const unmerged = new Map<number, TimelineAttempt[]>();
  for (const r of runs ?? []) {
    if (r.step === 'merged') continue;
    const list = unmerged.get(phaseOf(r)) ?? [];
    list.push({ attempt: r.attempt, run_id: r.run_id, outcome: r.step, reason: r.failure, duration_ms: r.duration_ms });
    unmerged.set(phaseOf(r), list);
  }
  // The base's own line only: phase merges are on it (and git's default order could lose it
  // under clock skew).
  const records: (Omit<TimelineRecord, 'after_merge'> & { readonly index: number })[] = [];
  // A merge at a shallow clone's cut is read with the parents its object names.
  const shallow = await readShallow(defs.repo.commonDir, { root });
  const read = await streamPhaseCommits(root, tip, (c) => {
    const v = firstValues(c.trailers);
    // The execution workstream's merges are not phases: planning's timeline leaves them out.
    if (claimsTask(v)) return;
    const kind = v.get('Record');
    if (kind !== undefined && c.parents.length === 1) {
      const phase = Number(v.get('Phase'));
      // The person's words: the body after its lead line, unindented.
      const reason = c.body.split('\n').slice(2).map((l) => l.replace(/^ {2}/, '')).join('\n').trim();
      records.push({ kind, phase: Number.isInteger(phase) ? phase : null, by: v.get('Recorded-By') ?? null, at: v.get('Recorded-At') ?? null, reason, commit: c.sha, index: c.index });
      return;
    }
    if (c.parents.length !== 2) return;
    const phase = Number(v.get('Phase'));
    const runId = v.get('Run-Id') ?? null;
    const run = runId === null ? undefined : byId.get(runId);
    const attempt = Number(v.get('Attempt'));
    merges.push({
      phase: Number.isInteger(phase) ? phase : null,
      name: v.get('Phase-Name') ?? null,
      run_id: runId,
      attempt: Number.isInteger(attempt) ? attempt : null,
      agent: v.get('Agent') ?? null,
      commit: c.parents[1] ?? null,
      merge: c.sha,
      merged_at: c.date,
      approved_by: v.get('Approved-By') ?? null,
      approved_at: v.get('Approved-At') ?? null,
      duration_ms: run?.duration_ms ?? null,
      earlier_attempts: unmerged.get(phase) ?? [],
    });
    indexes.push(c.index);
  }, 'first-parent', shallow);
  // Newest first as streamed: a record follows the newest merge older than it.
  const afterMerge = (index: number): string | null => merges[indexes.findIndex((i) => i > index)]?.merge ?? null;
  const placed = records.reverse().map(({ index, ...record }) => ({ ...record, after_merge: afterMerge(index) }));
  const boundary = boundaryOf(shallow, read.boundary);
  return { ref: target, store: runs !== undefined, entries: merges.reverse(), records: placed, shallow: boundary.length === 0 ? null : { boundary } };
}

function readRuns(file: string): RunRow[] | undefined {
  // A damaged store is refused (store-corrupt), not taken for a missing one.
  return withStoreReadOnly(file, (store) => store?.runs(PLANNING));
}
