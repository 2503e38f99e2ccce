// `phaserunner audit`: verifies a branch's planning history from git alone, and cross-checks
// the store when there is one. One streaming `git log` finds the phase commits and merges;
// one `git cat-file --batch` reads the trees they need. Everything the agent influenced (file
// names, file contents) is treated as data: findings quote it and never parse it as trailers.
import { existsSync } from 'node:fs';
import { ConfigSchema } from '../config/schema.js';
import { runFileCheck } from '../gates/file-check.js';
import { TRAILER_KEYS } from '../git/trailers.js';
import { ObjectReader } from '../git/objects.js';
import type { Definitions } from '../runner/context.js';
import { openDbReadOnly } from '../store/db.js';
import { Store } from '../store/store.js';
import { planningWorkstream } from '../workstream/planning.js';
import type { Workstream, WorkstreamStep } from '../workstream/types.js';
import { findDrift } from './drift.js';
import type { Finding, FindingCode } from './findings.js';
import { quoteList, short, treeOf } from './format.js';
import { resolveTip, streamPhaseCommits, type HistoryCommit } from './history.js';
import { crossCheckStore } from './store-check.js';
import { readClaims, type Claims } from './trailers.js';
import { TreeFiles } from './tree-files.js';
import { matcherFor } from '../util/glob.js';

export interface AuditedPhase {
  readonly phase: number;
  readonly name: string;
  readonly merged: boolean;
  readonly merge: string | null;
  readonly commit: string | null;
  readonly run_id: string | null;
  readonly attempt: number | null;
  readonly agent: string | null;
  readonly artifacts_digest: string | null;
  readonly approved_by: string | null;
  readonly approved_at: string | null;
  readonly findings: number;
}

export interface AuditReport {
  readonly ok: boolean;
  readonly ref: string;
  readonly tip: string;
  /** Commits read from history. */
  readonly commits: number;
  /** Whether the store was present and cross-checked. */
  readonly store: 'checked' | 'absent' | 'unreadable';
  readonly phases: readonly AuditedPhase[];
  readonly findings: readonly Finding[];
}

/** A phase merge as read from history, with what the audit learned about it. */
export interface MergeRecord {
  readonly merge: HistoryCommit;
  readonly claims: Claims;
  /** The second parent when it is a phase commit. */
  readonly phaseCommit: HistoryCommit | undefined;
  readonly step: WorkstreamStep | undefined;
  /** The Artifacts-Digest recomputed from the merge's tree. */
  digest: string | undefined;
}

export interface AuditContext {
  readonly root: string;
  readonly workstream: Workstream;
  readonly files: TreeFiles;
  readonly reader: ObjectReader;
  readonly tip: string;
  /** The config's approvals list at each config blob (parsed once per version). */
  readonly approvalsByBlob: Map<string, readonly number[]>;
  add(code: FindingCode, phase: number | null, commit: string | null, message: string): void;
}

export async function audit(defs: Definitions, ref?: string): Promise<AuditReport> {
  const root = defs.repo.root;
  const target = ref ?? defs.config.base;
  const tip = await resolveTip(root, target);
  // The gates' own `approval` checks count here; the config's list is read per merge, as
  // committed at that time (see approvalsAt).
  const workstream = planningWorkstream(defs.phases, []);
  const findings: Finding[] = [];
  const reader = new ObjectReader(root);
  const ctx: AuditContext = {
    root,
    workstream,
    files: new TreeFiles(reader),
    reader,
    tip,
    approvalsByBlob: new Map(),
    add: (code, phase, commit, message) => findings.push({ code, phase, commit, message }),
  };
  try {
    const merges: HistoryCommit[] = [];
    const onLine: HistoryCommit[] = [];
    const side = new Map<string, HistoryCommit>();
    const commits = await streamPhaseCommits(root, tip, (c) => {
      if (c.firstParent && c.parents.length === 2) merges.push(c);
      else if (c.firstParent) onLine.push(c);
      else side.set(c.sha, c);
    });
    merges.reverse(); // oldest first
    const records = await Promise.all(merges.map((m) => checkMerge(ctx, m, side, defs.config.approvals)));
    checkOrder(ctx, records);
    checkStrays(ctx, records, onLine, side);
    await findDrift(ctx, records);
    let store: AuditReport['store'] = 'absent';
    if (existsSync(defs.state.db)) store = await crossCheck(ctx, defs.state.db, records);
    findings.sort((a, b) => (a.phase ?? 0) - (b.phase ?? 0));
    return { ok: findings.length === 0, ref: target, tip, commits, store, phases: summarize(workstream, records, findings), findings };
  } finally {
    await reader.close();
  }
}

async function checkMerge(ctx: AuditContext, merge: HistoryCommit, side: ReadonlyMap<string, HistoryCommit>, currentApprovals: readonly number[]): Promise<MergeRecord> {
  const claims = readClaims(ctx, merge, 'merge');
  const phase = claims.phase;
  const step = phase === undefined ? undefined : ctx.workstream.stepForPhase(phase);
  const p2 = merge.parents[1] ?? '';
  const phaseCommit = side.get(p2);
  const record: MergeRecord = { merge, claims, phaseCommit, step, digest: undefined };
  const theirs = phaseCommit === undefined ? undefined : readClaims(ctx, phaseCommit, 'phase commit');
  if (phaseCommit === undefined) {
    ctx.add('merge-parent-untrailed', phase ?? null, merge.sha, `merge ${short(merge.sha)} says it merges phase ${phase ?? '?'}, but its second parent ${short(p2)} carries no phase trailers: the phase commit was replaced.`);
  } else {
    // The runner writes the same values on both; only the digest may differ (when the base
    // changed the outputs meanwhile) and only the merge carries an approval.
    for (const key of TRAILER_KEYS.filter((k) => k !== 'Artifacts-Digest')) {
      const a = claims.values.get(key);
      const b = theirs?.values.get(key);
      if (a !== undefined && b !== undefined && a !== b) {
        ctx.add('merge-parent-mismatch', phase ?? null, merge.sha, `merge ${short(merge.sha)} has ${key}: ${a}, but its phase commit ${short(phaseCommit.sha)} has ${key}: ${b}.`);
      }
    }
  }
  if (step === undefined) return record;

  const [digest, committedDigest] = await Promise.all([
    ctx.files.digest(merge.tree, step.outputs),
    phaseCommit === undefined ? undefined : ctx.files.digest(phaseCommit.tree, step.outputs),
  ]);
  record.digest = digest;
  const recorded = claims.values.get('Artifacts-Digest');
  if (recorded !== undefined && claims.wellFormed.has('Artifacts-Digest') && recorded !== digest) {
    ctx.add('digest-mismatch', step.phase, merge.sha, `merge ${short(merge.sha)} records Artifacts-Digest ${recorded}, but its tree gives ${digest}: phase ${step.phase}'s outputs were changed after the runner wrote the merge.`);
  }
  if (phaseCommit !== undefined && theirs !== undefined) {
    const their = theirs.values.get('Artifacts-Digest');
    if (their !== undefined && theirs.wellFormed.has('Artifacts-Digest') && their !== committedDigest) {
      ctx.add('phase-digest-mismatch', step.phase, phaseCommit.sha, `phase commit ${short(phaseCommit.sha)} records Artifacts-Digest ${their}, but its tree gives ${committedDigest ?? '?'}.`);
    }
    await checkPhaseCommitScope(ctx, step, phaseCommit);
  }
  await checkOutputs(ctx, step, merge);
  checkApproval(ctx, step, record, await approvalsAt(ctx, merge.parents[0], currentApprovals));
  return record;
}

/** A phase commit holds the agent's changes inside the phase's outputs, nothing else. */
async function checkPhaseCommitScope(ctx: AuditContext, step: WorkstreamStep, commit: HistoryCommit): Promise<void> {
  const parent = commit.parents[0];
  if (parent === undefined) return;
  const parentTree = treeOf(await ctx.reader.read(parent));
  if (parentTree === undefined) return;
  const inOutputs = matcherFor(step.outputs);
  const outside = (await ctx.files.changed(parentTree, commit.tree)).filter((p) => !inOutputs(p));
  if (outside.length > 0) {
    ctx.add('phase-commit-outside-outputs', step.phase, commit.sha, `phase commit ${short(commit.sha)} changes ${quoteList(outside)}, outside phase ${step.phase}'s outputs (${step.outputs.join(', ')}).`);
  }
}

/** The gate that guards advancing past the phase, its file checks re-run against the merge. */
async function checkOutputs(ctx: AuditContext, step: WorkstreamStep, merge: HistoryCommit): Promise<void> {
  const checks = ctx.workstream.gateChecks(step.gates.beforeAdvance) ?? [];
  const source = ctx.files.source(merge.tree);
  for (const check of checks) {
    if (check.kind !== 'file') continue;
    const result = await runFileCheck(check, source);
    if (!result.ok) ctx.add('output-missing', step.phase, merge.sha, `at merge ${short(merge.sha)}, ${result.message}`);
  }
}

function checkApproval(ctx: AuditContext, step: WorkstreamStep, record: MergeRecord, approvals: readonly number[]): void {
  const { merge, claims } = record;
  const present = (['Approved-By', 'Approved-At', 'Approved-Digest'] as const).filter((k) => claims.values.has(k));
  const required = step.approval || approvals.includes(step.phase);
  if (present.length === 0) {
    if (required) ctx.add('approval-missing', step.phase, merge.sha, `phase ${step.phase} needs a human's approval, but merge ${short(merge.sha)} has no Approved-* trailers.`);
    return;
  }
  if (present.length < 3) {
    ctx.add('approval-incomplete', step.phase, merge.sha, `merge ${short(merge.sha)} has ${present.join(', ')} but not all of Approved-By, Approved-At and Approved-Digest.`);
    return;
  }
  const approved = claims.values.get('Approved-Digest');
  if (record.digest !== undefined && approved !== record.digest) {
    ctx.add('approval-digest-mismatch', step.phase, merge.sha, `merge ${short(merge.sha)} was approved for ${approved ?? '?'}, but the artifacts it merged give ${record.digest}: what was merged is not what was approved.`);
  }
}

/** The approvals list of the config as committed at `commit` (what applied then), or today's. */
async function approvalsAt(ctx: AuditContext, commit: string | undefined, fallback: readonly number[]): Promise<readonly number[]> {
  if (commit === undefined) return fallback;
  const blob = await ctx.reader.read(`${commit}:.phaserunner/config.json`);
  if (blob?.type !== 'blob') return fallback;
  // The config rarely changes: parse each version once.
  const cached = ctx.approvalsByBlob.get(blob.oid);
  if (cached !== undefined) return cached;
  let approvals = fallback;
  try {
    const parsed = ConfigSchema.safeParse(JSON.parse(blob.content.toString('utf8')));
    if (parsed.success) approvals = parsed.data.approvals;
  } catch {
    // Not JSON at that commit: judge it by today's config.
  }
  ctx.approvalsByBlob.set(blob.oid, approvals);
  return approvals;
}

/** Each phase merged once, by one run, in phase order, after every phase before it. */
function checkOrder(ctx: AuditContext, records: readonly MergeRecord[]): void {
  const ids = ctx.workstream.phaseIds;
  const byRun = new Map<string, string>();
  const byPhase = new Map<number, string>();
  let latest = -1;
  for (const { merge, claims, step } of records) {
    if (step === undefined) continue;
    const runId = claims.values.get('Run-Id');
    if (runId !== undefined && byRun.has(runId)) {
      ctx.add('run-merged-twice', step.phase, merge.sha, `run ${runId} of phase ${step.phase} is merged again by ${short(merge.sha)} (first by ${short(byRun.get(runId) ?? '')}).`);
      continue;
    }
    if (runId !== undefined) byRun.set(runId, merge.sha);
    const earlier = byPhase.get(step.phase);
    if (earlier !== undefined) {
      ctx.add('phase-merged-twice', step.phase, merge.sha, `phase ${step.phase} is merged again by ${short(merge.sha)} (run ${runId ?? '?'}), after ${short(earlier)}.`);
      continue;
    }
    byPhase.set(step.phase, merge.sha);
    const index = ids.indexOf(step.phase);
    if (index < latest) {
      ctx.add('phase-out-of-order', step.phase, merge.sha, `phase ${step.phase} is merged by ${short(merge.sha)} after phase ${ids[latest] ?? '?'} was: phases must merge in order.`);
    }
    latest = Math.max(latest, index);
  }
  // A phase merged while an earlier phase never was (anywhere in the history).
  const reported = new Set<number>();
  for (const { merge, step } of records) {
    if (step === undefined || byPhase.get(step.phase) !== merge.sha) continue;
    for (const before of ids.slice(0, ids.indexOf(step.phase))) {
      if (byPhase.has(before) || reported.has(before)) continue;
      reported.add(before);
      ctx.add('phase-skipped', step.phase, merge.sha, `phase ${step.phase} is merged by ${short(merge.sha)}, but phase ${before} was never merged into this branch: its merge is missing from the history.`);
    }
  }
}

/** Trailered commits that are not part of a phase merge: copied, cherry-picked or merged by hand. */
function checkStrays(ctx: AuditContext, records: readonly MergeRecord[], onLine: readonly HistoryCommit[], side: ReadonlyMap<string, HistoryCommit>): void {
  const merged = new Set<string>();
  const runs = new Set<string>();
  for (const r of records) {
    merged.add(r.merge.sha);
    if (r.phaseCommit !== undefined) merged.add(r.phaseCommit.sha);
    const runId = r.claims.values.get('Run-Id');
    if (runId !== undefined) runs.add(runId);
  }
  for (const c of onLine) {
    const claims = readClaims(ctx, c, 'commit');
    const runId = claims.values.get('Run-Id');
    if (runId !== undefined && runs.has(runId)) {
      ctx.add('copied-trailers', claims.phase ?? null, c.sha, `commit ${short(c.sha)} (${JSON.stringify(c.subject.slice(0, 60))}) on the base carries the trailers of run ${runId}, which another merge already holds: they were copied.`);
    } else {
      ctx.add('phase-commit-not-merged', claims.phase ?? null, c.sha, `commit ${short(c.sha)} on the base carries phase trailers but is not a phase merge: a phase commit was cherry-picked or rebased onto the base instead of being merged by phaserunner.`);
    }
  }
  for (const c of side.values()) {
    if (merged.has(c.sha)) continue;
    const claims = readClaims(ctx, c, 'commit', false);
    ctx.add('hand-merged', claims.phase ?? null, c.sha, `phase commit ${short(c.sha)} (run ${claims.values.get('Run-Id') ?? '?'}) reached the base through a merge phaserunner did not make, so its merge carries no trailers or approval.`);
  }
}

async function crossCheck(ctx: AuditContext, dbFile: string, records: readonly MergeRecord[]): Promise<AuditReport['store']> {
  let store: Store | undefined;
  try {
    store = new Store(openDbReadOnly(dbFile));
    await crossCheckStore(ctx, store, records);
    return 'checked';
  } catch (error) {
    ctx.add('store-unreadable', null, null, `the store ${dbFile} cannot be read (${error instanceof Error ? error.message : String(error)}); only git was audited.`);
    return 'unreadable';
  } finally {
    store?.close();
  }
}

function summarize(workstream: Workstream, records: readonly MergeRecord[], findings: readonly Finding[]): AuditedPhase[] {
  return workstream.phaseIds.map((phase) => {
    const step = workstream.stepForPhase(phase);
    const last = records.filter((r) => r.step?.phase === phase).at(-1);
    const v = last?.claims.values;
    const attempt = v?.get('Attempt');
    return {
      phase,
      name: step?.name ?? '',
      merged: last !== undefined,
      merge: last?.merge.sha ?? null,
      commit: last?.phaseCommit?.sha ?? null,
      run_id: v?.get('Run-Id') ?? null,
      attempt: attempt === undefined ? null : Number(attempt),
      agent: v?.get('Agent') ?? null,
      artifacts_digest: v?.get('Artifacts-Digest') ?? null,
      approved_by: v?.get('Approved-By') ?? null,
      approved_at: v?.get('Approved-At') ?? null,
      findings: findings.filter((f) => f.phase === phase).length,
    };
  });
}
