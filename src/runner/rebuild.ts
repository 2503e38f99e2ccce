// Rebuilding the store from git after it was lost (deleted, or moved aside as corrupt). The
// base branch's history says which phases were merged, by which run and attempt (the merge
// trailers); an attempt whose agent was dispatched but not yet merged is known from its
// dispatch.json. Nothing is dispatched again that git or a run directory says already ran.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { firstValues, streamPhaseCommits, type HistoryCommit } from '../audit/history.js';
import { parseDispatchSpec, type DispatchRecord, type DispatchSpec } from '../dispatch/spec.js';
import { probeAttempt } from '../dispatch/probe.js';
import { runFiles } from '../dispatch/run-dir.js';
import { branchTip, resolveCommit } from '../git/repo.js';
import type { ApprovalTrailers } from '../git/trailers.js';
import type { RecordRow } from '../store/store.js';
import type { Workstream, WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { attemptSnapshotRef, phaseBranch, phaseWorktree } from './naming.js';
import { killGroup } from '../util/process.js';
import { phaseStep, stepPhase } from '../workstream/step-id.js';

export interface RebuiltPhase {
  readonly phase: number;
  readonly runId: string;
  readonly attempt: number;
  /** Set for a phase restored as merged; null for an attempt adopted while it runs. */
  readonly merge: string | null;
}

/**
 * Restores what git and the run directories show into a store that has nothing recorded.
 * Everything is gathered first and written in one transaction: a runner killed half-way
 * leaves a store with nothing recorded, which the next run rebuilds again.
 */
export async function rebuildFromGit(r: Runner): Promise<RebuiltPhase[]> {
  const ws = r.workstream.name;
  const history = await phaseHistory(r.repo.root, await branchTip(r.repo.root, r.config.base), r.workstream);
  const writes: (() => void)[] = [];
  const restored: RebuiltPhase[] = [];
  const insertMerged = (phase: number, found: MergedPhase, step: WorkstreamStep): void => {
    const { merge, runId, attempt, agent, branch, approval } = found;
    const commit = merge.parents[1] ?? null;
    r.store.insertRun({ run_id: runId, workstream: ws, step_id: phaseStep(phase), attempt, agent, branch, worktree: phaseWorktree(r.state, ws, step), run_dir: join(r.state.runs, runId), base_sha: merge.parents[0] ?? '' });
    r.store.updateRun(runId, { step: 'merged', commit_sha: commit, merge_sha: merge.sha });
    // The approval the merge carries is restored with it: git is its record, and a store
    // without it would contradict the history it was rebuilt from (audit: approval-not-in-store).
    if (approval !== undefined && commit !== null) {
      r.store.recordApproval({ workstream: ws, step_id: phaseStep(phase), run_id: runId, decision: 'approved', by: approval.by, note: null, commit_sha: commit, digest: approval.digest, at: approval.at });
    }
  };
  for (const phase of r.workstream.phaseIds) {
    const step = r.workstream.stepForPhase(phase);
    if (step === undefined) continue;
    const found = history.merged.get(phase);
    // Merges a replan took back stay merged runs of the phase (their attempts stay spent), and
    // the phase's budget starts after them.
    const superseded = history.superseded.filter((m) => m.phase === phase);
    const spent = Math.max(0, ...superseded.map((m) => m.attempt));
    writes.push(() => {
      for (const m of superseded) insertMerged(phase, m, step);
      if (found !== undefined) {
        insertMerged(phase, found, step);
        const { merge, runId, attempt, branch } = found;
        r.store.restorePhase(ws, phaseStep(phase), runId, 'done', `rebuilt from git: attempt ${attempt} merged into ${r.config.base} as ${merge.sha}`, { attempts: attempt, branch, commit_sha: merge.parents[1] ?? null, merge_sha: merge.sha, attempts_base: spent });
      } else if (spent > 0) {
        r.store.restorePhase(ws, phaseStep(phase), null, 'pending', `rebuilt from git: replanned after attempt ${spent} merged`, { attempts: spent, attempts_base: spent });
      }
    });
    if (found !== undefined) restored.push({ phase, runId: found.runId, attempt: found.attempt, merge: found.merge.sha });
  }
  const done = new Set(restored.map((p) => p.phase));
  const adopted = await adoptRunning(r, done);
  r.store.write(() => {
    for (const write of writes) write();
    for (const a of adopted) a.write();
    for (const record of history.records) r.store.insertRecord({ ...record, workstream: ws, published: 1 });
    r.store.setCurrent(ws, r.workstream.stepIds.find((id) => !done.has(stepPhase(id))) ?? null);
  });
  return [...restored, ...adopted.map((a) => a.phase)];
}

export interface MergedPhase {
  readonly phase: number;
  readonly merge: HistoryCommit;
  readonly runId: string;
  readonly attempt: number;
  readonly agent: string;
  readonly branch: string;
  /** From the merge's Approved-* trailers, when it carries all three. */
  readonly approval: ApprovalTrailers | undefined;
}

/** A replan or acknowledgement as git records it. */
export type HistoryRecord = Pick<RecordRow, 'kind' | 'step_id' | 'by' | 'reason' | 'at' | 'commit_sha' | 'digest'>;

export interface PhaseHistory {
  /** The newest merge of each phase that no later replan took back. */
  readonly merged: ReadonlyMap<number, MergedPhase>;
  /** Merges a later replan took back. */
  readonly superseded: readonly MergedPhase[];
  /** The records on the line, oldest first. */
  readonly records: readonly HistoryRecord[];
}

/** The newest phase merge per phase on the base's first-parent line from `tip`, by its trailers (rebuild and status). */
export async function mergedPhasesInGit(root: string, tip: string, workstream: Workstream): Promise<ReadonlyMap<number, MergedPhase>> {
  return (await phaseHistory(root, tip, workstream)).merged;
}

/**
 * The phase merges and records on the base's first-parent line from `tip`, by their trailers.
 * Read newest first: a replan from phase N takes back every merge of phase N or later made
 * before it.
 */
export async function phaseHistory(root: string, tip: string, workstream: Workstream): Promise<PhaseHistory> {
  const ws = workstream.name;
  const merged = new Map<number, MergedPhase>();
  const superseded: MergedPhase[] = [];
  const records: HistoryRecord[] = [];
  let replannedFrom = Infinity;
  // The base's own line only: phase merges are on it, and side history does not matter here.
  await streamPhaseCommits(
    root,
    tip,
    (c) => {
      const t = firstValues(c.trailers);
      if (t.get('Workstream') !== ws) return;
      const phase = Number(t.get('Phase'));
      const record = recordOf(c, t, phase);
      if (record !== undefined) {
        records.unshift(record);
        if (record.kind === 'replan') replannedFrom = Math.min(replannedFrom, phase);
        return;
      }
      if (c.parents.length !== 2) return;
      const runId = t.get('Run-Id');
      const attempt = Number(t.get('Attempt'));
      const step = workstream.stepForPhase(phase);
      if (step === undefined || runId === undefined || !Number.isInteger(attempt) || attempt < 1) return;
      const found: MergedPhase = { phase, merge: c, runId, attempt, agent: t.get('Agent') ?? 'unknown', branch: phaseBranch(ws, step), approval: approvalOf(t) };
      if (phase >= replannedFrom) superseded.push(found);
      else if (!merged.has(phase)) merged.set(phase, found); // newest first: a later re-merge wins
    },
    'first-parent',
  );
  return { merged, superseded, records };
}

/** A record commit's fields, or undefined when the commit is none (a well-formed one changes no file: the audit checks). */
function recordOf(c: HistoryCommit, t: ReadonlyMap<string, string>, phase: number): HistoryRecord | undefined {
  const kind = t.get('Record');
  const by = t.get('Recorded-By');
  const at = t.get('Recorded-At');
  if ((kind !== 'replan' && kind !== 'acknowledge') || by === undefined || at === undefined || !Number.isInteger(phase) || c.parents.length !== 1) return undefined;
  // The body: a lead line, a blank line, then the person's words, indented.
  const reason = c.body.split('\n').slice(2).map((l) => l.replace(/^ {2}/, '')).join('\n').trim();
  return { kind, step_id: phaseStep(phase), by, at, reason, commit_sha: c.sha, digest: kind === 'acknowledge' ? (t.get('Artifacts-Digest') ?? null) : null };
}

function approvalOf(t: ReadonlyMap<string, string>): ApprovalTrailers | undefined {
  const by = t.get('Approved-By');
  const at = t.get('Approved-At');
  const digest = t.get('Approved-Digest');
  return by === undefined || at === undefined || digest === undefined ? undefined : { by, at, digest };
}

/**
 * Attempts dispatched but not merged: their agents may still be working, or finished with
 * nobody to collect them. The newest per phase is adopted, so the next pass collects it
 * instead of dispatching the phase again.
 */
async function adoptRunning(r: Runner, merged: ReadonlySet<number>): Promise<{ phase: RebuiltPhase; write: () => void }[]> {
  const ws = r.workstream.name;
  if (!existsSync(r.state.runs)) return [];
  // The worktree is the one the attempt was dispatched in (its spec's cwd), wherever worktrees
  // are configured to go now.
  const newest = new Map<number, { runId: string; dir: string; run: DispatchRecord; worktree: string }>();
  // Run ids are ULIDs: sorted by name is sorted by dispatch time.
  for (const name of readdirSync(r.state.runs).sort()) {
    const dir = join(r.state.runs, name);
    const spec = readSpec(runFiles(dir).spec);
    const run = spec?.run;
    if (spec === undefined || run === undefined || run.workstream !== ws || merged.has(run.phase)) continue;
    if (r.workstream.stepForPhase(run.phase) === undefined) continue;
    newest.set(run.phase, { runId: spec.run_id, dir, run, worktree: spec.cwd });
  }
  const adopted: { phase: RebuiltPhase; write: () => void }[] = [];
  for (const [phase, { runId, dir, run, worktree }] of newest) {
    // An attempt that failed, was rejected or conflicted has its files kept on its own ref:
    // it was judged already, and is history.
    if ((await resolveCommit(r.repo.root, attemptSnapshotRef(runId))) !== undefined) continue;
    const probe = probeAttempt(dir, null, runId);
    // Only an agent still working, one that finished and was never collected, or one that
    // provably never started (it is started as the same attempt): a crashed or bad attempt
    // is history, and the phase can simply be dispatched again (after its orphaned agent, if
    // any, is stopped: it must not keep writing into that checkout).
    if (probe.kind === 'crashed' && probe.orphanedAgent !== undefined) killGroup(probe.orphanedAgent, 'SIGKILL');
    if (probe.kind !== 'running' && probe.kind !== 'exited' && probe.kind !== 'not-started') continue;
    // Adopted as dispatched, never as committed: a commit on its branch is judged like any
    // (the agent knows its run id and could have written one with matching trailers). A
    // phase the runner had committed before the store was lost therefore fails as "commits
    // of its own", and is retried.
    adopted.push({
      phase: { phase, runId, attempt: run.attempt, merge: null },
      write: () => {
        r.store.insertRun({ run_id: runId, workstream: ws, step_id: phaseStep(phase), attempt: run.attempt, agent: run.agent, branch: run.branch, worktree, run_dir: dir, base_sha: run.base_sha });
        r.store.restorePhase(ws, phaseStep(phase), runId, 'running', `rebuilt from ${runFiles(dir).spec}: attempt ${run.attempt} was dispatched and is collected as usual`, { attempts: run.attempt, branch: run.branch });
      },
    });
  }
  return adopted;
}

function readSpec(file: string): DispatchSpec | undefined {
  try {
    return parseDispatchSpec(readFileSync(file, 'utf8'), file);
  } catch {
    return undefined;
  }
}
