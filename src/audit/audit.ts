// `phaserunner audit`: verifies a branch's planning history from git alone, and cross-checks
// the store when there is one. One streaming `git log` finds the phase commits and merges;
// one `git cat-file --batch` reads the trees they need. Everything the agent influenced (file
// names, file contents) is treated as data: findings quote it and never parse it as trailers.
import { PhaserunnerError } from '../failures.js';
import { existsSync } from 'node:fs';
import { ObjectReader } from '../git/objects.js';
import { boundaryOf, readShallow } from '../git/shallow.js';
import type { Definitions } from '../definitions/open.js';
import { openDbReadOnly } from '../store/db.js';
import { Store } from '../store/store.js';
import { BUILTIN_PHASES_DIR } from '../paths.js';
import { readJsonDir } from '../util/sources.js';
import { retiredBuiltins } from '../definitions/retired.js';
import { planningOf } from '../workstream/registry.js';
import type { AuditContext, MergeRecord } from './context.js';
import { AuditDefinitions } from './definitions-at.js';
import { judgeDecision, readDecision, type Decision } from './decisions.js';
import { findDrift, type Baseline } from './drift.js';
import type { Finding } from './findings.js';
import { short } from './format.js';
import { resolveTip, type HistoryCommit } from './history.js';
import { readHistory, type Pass } from './pass.js';
import { beyondCut, type ShallowReport, type Unchecked } from './shallow.js';
import { commandChecksOf, rerunCommandChecks, type CommandProgress } from './command-checks.js';
import { crossCheckStore } from './store-check.js';
import { readClaims } from './trailers.js';
import { auditTasks, type AuditedTask } from './tasks.js';
import { TreeFiles } from './tree-files.js';
import { TreeStore } from './tree-store.js';

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
  /**
   * The definitions that govern now: committed on the base, or phaserunner's built-in ones
   * where none are. Each merge is judged by those committed where its own run started.
   */
  readonly definitions: { readonly base: string; readonly commit: string | null; readonly source: 'committed' | 'built-in' };
  readonly phases: readonly AuditedPhase[];
  /** The execution workstream's tasks (tasks.ts); empty when no task was merged. */
  readonly tasks: readonly AuditedTask[];
  readonly findings: readonly Finding[];
  /**
   * In a shallow clone whose history of the ref is cut: where, and what could not be checked
   * for want of the rest (`git fetch --unshallow` fetches it). Null when nothing was missing.
   */
  readonly shallow: ShallowReport | null;
  /**
   * The gates' `command` checks at the merges read: how many there are, and whether they were
   * run again (`audit --commands`, on a clean checkout of each merge's tree) or not.
   */
  readonly commands: { readonly checks: number; readonly rerun: boolean };
}

export interface AuditOptions {
  /** Run the gates' command checks again (they run programs: opt in). */
  readonly commands?: boolean;
  /** Told before each command check is run. */
  readonly onCommand?: (progress: CommandProgress) => void;
}

export async function audit(defs: Definitions, ref?: string, options: AuditOptions = {}): Promise<AuditReport> {
  const root = defs.repo.root;
  const target = ref ?? defs.config.base;
  const reader = new ObjectReader(root);
  const files = new TreeFiles(new TreeStore(reader));
  try {
    const tip = await resolveTip(root, { ref, governing: defs.governing });
    const shallow = await readShallow(defs.repo.commonDir, reader);
    // Each merge is judged by the definitions committed where its run started; the audited
    // tip's own stand in for commits no run governed, and name the phases of the summary.
    const based = planningOf(defs);
    const definitions = new AuditDefinitions(files, readJsonDir(BUILTIN_PHASES_DIR), defs.config.base, based, () => retiredBuiltins());
    const [atTip] = tip === defs.governing.commit ? [undefined] : await files.store.settle([() => definitions.at(tip)]);
    const workstream = atTip === undefined || atTip.problem !== undefined ? based : atTip.workstream;
    const shared = { root, workstream, definitions, files, tip, shallow };
    let pass = await readHistory(shared, 'fast');
    // Clock skew broke the fast order: everything it concluded is discarded (the trees read stay cached).
    if (!pass.ordered) pass = await readHistory(shared, 'topo');
    const { ctx, findings, records, commits, unchecked } = pass;
    const boundary = boundaryOf(shallow, pass.boundary);
    // The first-parent line stops at the cut: merges and records before it were never read.
    const lineCut = pass.lineEnd !== undefined && boundary.includes(pass.lineEnd);
    if (lineCut) ctx.uncheck(null, pass.lineEnd ?? null, `the phase merges and records before ${short(pass.lineEnd ?? '')} were not read, and drift after them was not checked.`);
    const decisions = await judgeDecisions(ctx, pass.decisions);
    checkOrder(ctx, records, decisions, lineCut);
    checkStrays(ctx, records, pass.onLine, pass.side);
    await findDrift(ctx, baselines(records, decisions), records);
    const executed = await auditTasks(ctx, pass.tasks, { records, decisions }, lineCut);
    findings.push(...executed.findings);
    const commandChecks = commandChecksOf(records);
    const rerun = options.commands === true;
    if (rerun) await rerunCommandChecks(root, commandChecks, (code, phase, commit, message) => {
        ctx.add(code, phase, commit, message);
      }, options.onCommand);
    let store: AuditReport['store'] = 'absent';
    if (existsSync(defs.state.db)) store = await crossCheck(ctx, defs.state.db, records, defs.governing.commit ?? tip);
    sortFindings(findings, pass);
    sortFindings(unchecked, pass);
    const cut = boundary.length === 0 && unchecked.length === 0 ? null : { boundary, unchecked };
    const governing = { base: defs.governing.base, commit: defs.governing.commit, source: defs.configured ? ('committed' as const) : ('built-in' as const) };
    return { ok: findings.length === 0, ref: target, tip, commits, store, definitions: governing, phases: summarize(ctx, records, findings), tasks: executed.tasks, findings, shallow: cut, commands: { checks: commandChecks.length, rerun } };
  } finally {
    await reader.close();
  }
}

/**
 * By phase, then oldest commit first: the order history happened in, whatever order the
 * stream and the batches found them in. Findings about commits the stream did not keep
 * (drift offenders) come after, in the order they were found. A task's findings come after
 * every phase's.
 */
function sortFindings(findings: (Finding | Unchecked)[], pass: Pass): void {
  const index = new Map<string, number>();
  const taskCommits = new Set<string>();
  for (const c of pass.tasks.all()) {
    index.set(c.sha, c.index);
    taskCommits.add(c.sha);
  }
  for (const c of [...pass.onLine, ...pass.side.values(), ...pass.decisions]) index.set(c.sha, c.index);
  for (const r of pass.records) {
    index.set(r.merge.sha, r.merge.index);
    if (r.phaseCommit !== undefined) index.set(r.phaseCommit.sha, r.phaseCommit.index);
  }
  const age = (f: Finding | Unchecked): number => -(index.get(f.commit ?? '') ?? -Infinity);
  // A finding about a task commit is a task's, whether or not its Task trailer could be read.
  const rank = (f: Finding | Unchecked): number => f.phase ?? ('task' in f || taskCommits.has(f.commit ?? '') ? Number.MAX_SAFE_INTEGER : 0);
  findings.sort((a, b) => rank(a) - rank(b) || age(a) - age(b));
}

/** The record commits read and judged; only those that pass every check count. */
async function judgeDecisions(ctx: AuditContext, commits: readonly HistoryCommit[]): Promise<Decision[]> {
  const decisions = commits.map((c) => readDecision(ctx, c)).filter((d): d is Decision => d !== undefined);
  const verdicts = await ctx.files.store.settle(decisions.map((d) => () => judgeDecision(ctx, d)));
  decisions.forEach((d, i) => {
    const verdict = verdicts[i];
    if (verdict === undefined) return;
    for (const f of verdict.findings) ctx.add(f.code, f.phase, f.commit, f.message);
    if (verdict.unchecked !== undefined) ctx.uncheck(verdict.unchecked.phase, verdict.unchecked.commit, verdict.unchecked.what);
    d.step = verdict.step;
    d.valid &&= verdict.findings.length === 0;
  });
  return decisions.filter((d) => d.valid);
}

type Event = { readonly index: number } & ({ readonly kind: 'merge'; readonly record: MergeRecord } | { readonly kind: 'decision'; readonly decision: Decision });

/** Merges and records in the order they were made on the base: oldest first. */
function timeline(records: readonly MergeRecord[], decisions: readonly Decision[]): Event[] {
  const events: Event[] = [
    ...records.map((record): Event => ({ kind: 'merge', index: record.merge.index, record })),
    ...decisions.map((decision): Event => ({ kind: 'decision', index: decision.commit.index, decision })),
  ];
  return events.sort((a, b) => b.index - a.index);
}

/**
 * Each phase merged once, by one run, in phase order, after every phase before it (the phases
 * of the definitions that governed it). A replan from phase N takes phases N and later back:
 * their next merges are legitimate, and in order again from N. `lineCut`: the history read
 * stops at a shallow clone's cut, where earlier phases may have been merged unseen.
 */
function checkOrder(ctx: AuditContext, records: readonly MergeRecord[], decisions: readonly Decision[], lineCut: boolean): void {
  const byRun = new Map<string, string>();
  const byPhase = new Map<number, string>();
  let latest = -1;
  // Phases below this may have been merged beyond the cut; a replan read here takes them back.
  let unseen = lineCut ? Infinity : -Infinity;
  for (const event of timeline(records, decisions)) {
    if (event.kind === 'decision') {
      const { kind, phase } = event.decision;
      if (kind !== 'replan') continue;
      for (const p of [...byPhase.keys()]) if (p >= phase) byPhase.delete(p);
      latest = Math.min(latest, phase - 1);
      unseen = Math.min(unseen, phase);
      continue;
    }
    const { merge, claims, step } = event.record;
    if (step === undefined) continue;
    const runId = claims.values.get('Run-Id');
    if (runId !== undefined && byRun.has(runId)) {
      ctx.add('run-merged-twice', step.phase, merge.sha, `run ${runId} of phase ${step.phase} is merged again by ${short(merge.sha)} (first by ${short(byRun.get(runId) ?? '')}).`);
      continue;
    }
    if (runId !== undefined) byRun.set(runId, merge.sha);
    const earlier = byPhase.get(step.phase);
    if (earlier !== undefined) {
      ctx.add('phase-merged-twice', step.phase, merge.sha, `phase ${step.phase} is merged again by ${short(merge.sha)} (run ${runId ?? '?'}), after ${short(earlier)}, with no replan recorded in between.`);
      continue;
    }
    byPhase.set(step.phase, merge.sha);
    if (step.phase < latest) {
      ctx.add('phase-out-of-order', step.phase, merge.sha, `phase ${step.phase} is merged by ${short(merge.sha)} after phase ${latest} was: phases must merge in order.`);
    }
    latest = Math.max(latest, step.phase);
  }
  // A phase merged while an earlier phase never was (anywhere in the history).
  const reported = new Set<number>();
  const unknown = new Map<MergeRecord, number[]>();
  for (const record of records) {
    const { merge, step, governed } = record;
    if (step === undefined || byPhase.get(step.phase) !== merge.sha) continue;
    const ids = governed?.phaseIds ?? ctx.workstream.phaseIds;
    for (const before of ids.slice(0, ids.indexOf(step.phase))) {
      if (byPhase.has(before) || reported.has(before)) continue;
      reported.add(before);
      if (before < unseen) {
        unknown.set(record, [...(unknown.get(record) ?? []), before]);
        continue;
      }
      ctx.add('phase-skipped', step.phase, merge.sha, `phase ${step.phase} is merged by ${short(merge.sha)}, but phase ${before} was never merged into this branch: its merge is missing from the history.`);
    }
  }
  for (const [{ merge, step }, phases] of unknown) {
    const which = phases.length > 1 ? `phases ${phases.join(', ')} are` : `phase ${phases.join('')} is`;
    ctx.uncheck(step?.phase ?? null, merge.sha, `${which} not merged in the history this clone has: whether ${phases.length > 1 ? 'they were' : 'it was'} merged before the cut, ahead of phase ${step?.phase ?? '?'} (${short(merge.sha)}), was not checked.`);
  }
}

/**
 * Where each phase's outputs were last accepted: its last merge, or an acknowledgement after
 * it. A phase a replan took back and not merged since has none: it is being planned again.
 */
function baselines(records: readonly MergeRecord[], decisions: readonly Decision[]): Map<number, Baseline> {
  const out = new Map<number, Baseline>();
  for (const event of timeline(records, decisions)) {
    if (event.kind === 'merge') {
      const { step, digest, merge } = event.record;
      if (step !== undefined && digest !== undefined) out.set(step.phase, { commit: merge.sha, digest, step, what: `merged in ${short(merge.sha)}` });
      continue;
    }
    const d = event.decision;
    if (d.kind === 'replan') {
      for (const p of [...out.keys()]) if (p >= d.phase) out.delete(p);
    } else {
      const last = out.get(d.phase);
      if (last !== undefined && d.digest !== undefined) out.set(d.phase, { ...last, commit: d.commit.sha, digest: d.digest, what: `acknowledged in ${short(d.commit.sha)}` });
    }
  }
  return out;
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

async function crossCheck(ctx: AuditContext, dbFile: string, records: readonly MergeRecord[], baseTip: string): Promise<AuditReport['store']> {
  let store: Store | undefined;
  try {
    store = new Store(openDbReadOnly(dbFile));
    await crossCheckStore(ctx, store, records, baseTip);
    return 'checked';
  } catch (error) {
    const why =
      error instanceof PhaserunnerError && error.failure.reason === 'store-too-new'
        ? `it was written by a newer phaserunner, schema ${error.failure.version}`
        : error instanceof Error
          ? error.message
          : String(error);
    ctx.add('store-unreadable', null, null, `the store ${dbFile} cannot be read (${why}); only git was audited.`);
    return 'unreadable';
  } finally {
    store?.close();
  }
}

function summarize(ctx: AuditContext, records: readonly MergeRecord[], findings: readonly Finding[]): AuditedPhase[] {
  const { workstream } = ctx;
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
      // Beyond a shallow clone's cut, the phase commit is still named by its merge.
      commit: last?.phaseCommit?.sha ?? (beyondCut(ctx, last?.merge.parents[1]) ? (last?.merge.parents[1] ?? null) : null),
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
