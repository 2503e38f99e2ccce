// One pass over a branch's history: the `git log` stream, with each phase merge checked
// while the stream goes on. A merge is read as soon as its phase commit has arrived; its
// trees are judged in batches, each batch a few pipelined rounds of cat-file requests. So
// the tree reads overlap the stream instead of queueing up behind it, and only a batch's
// objects are held at once.
import type { AuditContext, MergeRecord } from './context.js';
import type { Finding } from './findings.js';
import { streamPhaseCommits, type HistoryCommit } from './history.js';
import { judgeTrees, readMerge } from './merge-checks.js';
import type { Unchecked } from './shallow.js';
import { TaskCommits } from './task-history.js';

/** Merges judged together: enough to fill a round of requests, few enough to bound memory. */
const BATCH = 64;

export interface Pass {
  readonly ctx: AuditContext;
  readonly findings: Finding[];
  /** Checks a shallow clone's missing history kept from being made. */
  readonly unchecked: Unchecked[];
  readonly commits: number;
  /** The last commit read on the first-parent line; commits git log showed as cut (shallow clone). */
  readonly lineEnd: string | undefined;
  readonly boundary: readonly string[];
  /** False when the fast order lost the first-parent line: read again in topo order. */
  readonly ordered: boolean;
  /** Phase merges on the first-parent line, oldest first, with their checks done. */
  readonly records: MergeRecord[];
  /** Other trailered commits on the first-parent line. */
  readonly onLine: HistoryCommit[];
  /** Record commits (replan, acknowledge: a person's decisions) on the first-parent line, oldest first. */
  readonly decisions: HistoryCommit[];
  /** Trailered commits off the first-parent line, by id. */
  readonly side: Map<string, HistoryCommit>;
  /** The execution workstream's commits (tasks.ts), none of them in the lists above. */
  readonly tasks: TaskCommits;
}

export async function readHistory(shared: Omit<AuditContext, 'add' | 'uncheck'>, order: 'fast' | 'topo'): Promise<Pass> {
  const findings: Finding[] = [];
  const unchecked: Unchecked[] = [];
  const ctx: AuditContext = {
    ...shared,
    add: (code, phase, commit, message) => findings.push({ code, phase, commit, message }),
    uncheck: (phase, commit, what) => unchecked.push({ phase, commit, what }),
  };
  const slots: (MergeRecord | undefined)[] = []; // one per merge, newest first
  const waiting = new Map<string, number[]>(); // phase commit id -> slots of merges waiting for it
  const onLine: HistoryCommit[] = [];
  const recordCommits: HistoryCommit[] = [];
  const side = new Map<string, HistoryCommit>();
  const tasks = new TaskCommits();
  const judge = new Judge(ctx);
  const read = (slot: number, merge: HistoryCommit, phaseCommit: HistoryCommit | undefined): void => {
    const record = readMerge(ctx, merge, phaseCommit);
    slots[slot] = record;
    judge.push(record);
  };
  const merges: HistoryCommit[] = [];
  let result;
  try {
    result = await streamPhaseCommits(
      ctx.root,
      ctx.tip,
      (c) => {
        judge.rethrow(); // a failed judge (cat-file gone) ends the stream, not only the audit
        if (tasks.take(c)) return; // execution's, judged apart
        if (c.firstParent && c.parents.length === 2) {
          const slot = slots.push(undefined) - 1;
          merges[slot] = c;
          const p2 = c.parents[1] ?? '';
          const known = side.get(p2);
          if (known !== undefined) read(slot, c, known);
          else waiting.set(p2, [...(waiting.get(p2) ?? []), slot]);
        } else if (c.firstParent && isRecord(c)) {
          recordCommits.push(c);
        } else if (c.firstParent) {
          onLine.push(c);
        } else {
          side.set(c.sha, c);
          for (const slot of waiting.get(c.sha) ?? []) read(slot, merges[slot] as HistoryCommit, c);
          waiting.delete(c.sha);
        }
      },
      order,
      ctx.shallow,
    );
    // A second parent never read carries no trailers: it is no phase commit.
    for (const slotsWaiting of waiting.values()) for (const slot of slotsWaiting) read(slot, merges[slot] as HistoryCommit, undefined);
  } catch (error) {
    // The stream's own error is the one to report; what is queued is not judged.
    judge.cancel();
    await judge.finish().catch(() => undefined);
    throw error;
  }
  await judge.finish();
  const records = slots.filter((r): r is MergeRecord => r !== undefined).reverse();
  const { commits, ordered, lineEnd, boundary } = result;
  return { ctx, findings, unchecked, commits, ordered, lineEnd, boundary, records, onLine, side, tasks, decisions: recordCommits.reverse() };
}

/** A commit that says it is a record (its trailers are judged in records.ts). */
export function isRecord(c: HistoryCommit): boolean {
  return c.trailers.some(([key]) => key === 'Record');
}

/** Judges merges' trees in batches, one batch at a time, while the stream keeps arriving. */
class Judge {
  private readonly queue: MergeRecord[] = [];
  private running: Promise<void> | undefined;
  private failure: Error | undefined;

  constructor(private readonly ctx: AuditContext) {}

  push(record: MergeRecord): void {
    if (record.claims.phase === undefined) return;
    // Read ahead only for the next batch or two: trees read much earlier would be pushed out
    // of the cache before their batch comes.
    if (this.queue.length < 2 * BATCH) {
      const { merge, phaseCommit } = record;
      const roots = [merge.tree, `${merge.parents[0] ?? ''}^{tree}`];
      if (phaseCommit !== undefined) roots.push(phaseCommit.tree, `${phaseCommit.parents[0] ?? ''}^{tree}`);
      this.ctx.files.store.prefetch(roots);
    }
    this.queue.push(record);
    this.running ??= this.run();
  }

  /** Waits for every queued merge; rethrows what failed. */
  async finish(): Promise<void> {
    while (this.running !== undefined) await this.running;
    this.rethrow();
  }

  /** Throws what made judging fail, if anything has. */
  rethrow(): void {
    if (this.failure !== undefined) throw this.failure;
  }

  /** Drops the merges not yet judged. */
  cancel(): void {
    this.queue.length = 0;
  }

  private async run(): Promise<void> {
    try {
      while (this.queue.length > 0 && this.failure === undefined) {
        const batch = this.queue.splice(0, BATCH);
        const verdicts = await this.ctx.files.store.settle(batch.map((record) => () => judgeTrees(this.ctx, record)));
        batch.forEach((record, i) => {
          const verdict = verdicts[i];
          if (verdict === undefined) return;
          record.digest = verdict.digest;
          record.step = verdict.step;
          record.governed = verdict.governed;
          for (const f of verdict.findings) this.ctx.add(f.code, f.phase, f.commit, f.message);
          for (const u of verdict.unchecked ?? []) this.ctx.uncheck(u.phase, u.commit, u.what);
        });
      }
    } catch (error) {
      this.failure ??= error instanceof Error ? error : new Error(String(error));
    } finally {
      // Cleared in the same step that saw the queue empty: a push after this starts a new run.
      this.running = undefined;
    }
  }
}
