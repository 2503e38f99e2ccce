// The checks on one phase merge. `readMerge` judges what the commits say (their trailers) as
// soon as both are read from the stream. `judgeTrees` judges what they contain: digests,
// the phase commit's scope, the gate's file checks and the approval. It reads trees through
// the TreeStore and may run more than once (see TreeStore.settle), so it returns its
// findings instead of adding them.
import { definitionsDigest } from '../definitions/digest.js';
import { runFileCheckSync } from '../gates/file-check.js';
import { runJsonCheckSync } from '../gates/json-check.js';
import { runTasksCheckSync } from '../gates/tasks-check.js';
import type { SyncFileSource } from '../gates/files.js';
import type { CheckResult } from '../gates/types.js';
import type { Check } from '../phases/schema.js';
import { APPROVAL_KEYS, TRAILER_KEYS } from '../git/trailers.js';
import { matcherFor } from '../util/glob.js';
import type { Workstream, WorkstreamStep } from '../workstream/types.js';
import type { AuditContext, MergeRecord } from './context.js';
import type { Governed } from './definitions-at.js';
import type { Finding, FindingCode } from './findings.js';
import { quoteList, short } from './format.js';
import type { HistoryCommit } from './history.js';
import { judgeBeyondCut, phaseCommitBeyondCut, type Unchecked } from './shallow.js';
import { readClaims, stepClaimed, type Claims } from './trailers.js';

/** Paths outside the outputs collected for a message; an agent may add thousands. */
const OUTSIDE_SHOWN = 100;

export interface TreeVerdict {
  readonly digest: string | undefined;
  readonly findings: readonly Finding[];
  readonly step: WorkstreamStep | undefined;
  readonly governed: Workstream | undefined;
  /** Checks a shallow clone's missing history kept from being made (shallow.ts). */
  readonly unchecked?: readonly Unchecked[];
}

/** The merge and its second parent's trailers: reported once, here. */
export function readMerge(ctx: AuditContext, merge: HistoryCommit, phaseCommit: HistoryCommit | undefined): MergeRecord {
  const claims = readClaims(ctx, merge, 'merge');
  const phase = claims.phase;
  const phaseClaims = phaseCommit === undefined ? undefined : readClaims(ctx, phaseCommit, 'phase commit');
  // Beyond a shallow clone's cut, a missing phase commit is no finding (shallow.ts notes it).
  if (phaseCommit === undefined && !phaseCommitBeyondCut(ctx, merge, phase)) {
    const p2 = merge.parents[1] ?? '';
    ctx.add('merge-parent-untrailed', phase ?? null, merge.sha, `merge ${short(merge.sha)} says it merges phase ${phase ?? '?'}, but its second parent ${short(p2)} carries no phase trailers: the phase commit was replaced.`);
  } else if (phaseCommit !== undefined) {
    // The runner writes the same values on both; only the digest may differ (when the base
    // changed the outputs meanwhile) and only the merge carries an approval.
    for (const key of TRAILER_KEYS) {
      if (key === 'Artifacts-Digest') continue;
      const a = claims.values.get(key);
      const b = phaseClaims?.values.get(key);
      if (a !== undefined && b !== undefined && a !== b) {
        ctx.add('merge-parent-mismatch', phase ?? null, merge.sha, `merge ${short(merge.sha)} has ${key}: ${a}, but its phase commit ${short(phaseCommit.sha)} has ${key}: ${b}.`);
      }
    }
  }
  return { merge, claims, phaseCommit, phaseClaims, step: undefined, governed: undefined, digest: undefined };
}

/**
 * What the merge's trees say, judged by the definitions that governed its run (those committed
 * where it started: the phase commit's parent). Synchronous over the TreeStore; run it through
 * `settle`.
 */
export function judgeTrees(ctx: AuditContext, record: MergeRecord): TreeVerdict {
  const cut = judgeBeyondCut(ctx, record, judgeBy);
  if (cut !== undefined) return cut;
  const start = record.phaseCommit?.parents[0] ?? record.merge.parents[0];
  return judgeBy(ctx, record, start === undefined ? { workstream: ctx.workstream, problem: 'it has no parent' } : ctx.definitions.governing(start, record.claims.phase, recordedDefinitions(record.claims)), start);
}

/** The Definitions-Digest a merge records, when well formed. */
export function recordedDefinitions(claims: Claims): string | undefined {
  return claims.wellFormed.has('Definitions-Digest') ? claims.values.get('Definitions-Digest') : undefined;
}

/** The checks of judgeTrees, by `governed`: the definitions committed at `start`. */
function judgeBy(ctx: AuditContext, record: MergeRecord, governed: Governed, start: string | undefined): TreeVerdict {
  const { merge, claims, phaseCommit, phaseClaims } = record;
  const findings: Finding[] = [];
  const step = stepClaimed(governed.workstream, claims, merge, 'merge', findings);
  if (phaseCommit !== undefined && phaseClaims !== undefined && phaseClaims.phase === claims.phase) stepClaimed(governed.workstream, phaseClaims, phaseCommit, 'phase commit', findings);
  if (step === undefined) return { digest: undefined, findings, step, governed: governed.workstream };
  const add = (code: FindingCode, commit: string, message: string): void => {
    findings.push({ code, phase: step.phase, commit, message });
  };
  checkDefinitions(step, record, governed.problem, start, add);
  const digest = ctx.files.digest(merge.tree, step.outputs);
  const recorded = claims.values.get('Artifacts-Digest');
  if (recorded !== undefined && claims.wellFormed.has('Artifacts-Digest') && recorded !== digest) {
    add('digest-mismatch', merge.sha, `merge ${short(merge.sha)} records Artifacts-Digest ${recorded}, but its tree gives ${digest}: phase ${step.phase}'s outputs were changed after the runner wrote the merge.`);
  }
  if (phaseCommit !== undefined && phaseClaims !== undefined) {
    const their = phaseClaims.values.get('Artifacts-Digest');
    const committed = ctx.files.digest(phaseCommit.tree, step.outputs);
    if (their !== undefined && phaseClaims.wellFormed.has('Artifacts-Digest') && their !== committed) {
      add('phase-digest-mismatch', phaseCommit.sha, `phase commit ${short(phaseCommit.sha)} records Artifacts-Digest ${their}, but its tree gives ${committed}.`);
    }
    checkScope(ctx, step, phaseCommit, add);
  }
  checkOutputs(step, merge, ctx, add);
  checkApproval(step, record, digest, add);
  return { digest, findings, step, governed: governed.workstream };
}

/** The merge's Definitions-Digest against the definitions committed where its run started. */
function checkDefinitions(step: WorkstreamStep, record: MergeRecord, problem: string | undefined, start: string | undefined, add: Add): void {
  const recorded = record.claims.values.get('Definitions-Digest');
  // Merges made before the trailer existed are judged by the definitions at their start, unchecked.
  if (recorded === undefined || !record.claims.wellFormed.has('Definitions-Digest')) return;
  const merge = record.merge.sha;
  const at = start === undefined ? 'its parent' : short(start);
  if (problem !== undefined) {
    add('definitions-mismatch', merge, `merge ${short(merge)} was governed by definitions ${recorded}, but the definitions committed at ${at}, where its run started, cannot be read (${problem}); it was judged by today's.`);
    return;
  }
  const actual = definitionsDigest(step);
  if (actual !== recorded) {
    add(
      'definitions-mismatch',
      merge,
      `merge ${short(merge)} was governed by definitions ${recorded}, but those committed at ${at}, where its run started (with this phaserunner's built-in phases), give ${actual}: ` +
        `the run followed definitions git does not have there, or a phaserunner whose built-in phases differ from this one's.`,
    );
  }
}

type Add = (code: FindingCode, commit: string, message: string) => void;

/** A phase commit holds the agent's changes inside the phase's outputs, nothing else. */
function checkScope(ctx: AuditContext, step: WorkstreamStep, commit: HistoryCommit, add: Add): void {
  const parent = commit.parents[0];
  // A shallow clone may not have the parent: nothing to compare against.
  if (parent === undefined || ctx.files.store.tree(`${parent}^{tree}`) === undefined) return;
  const { paths, more } = ctx.files.changedOutside(`${parent}^{tree}`, commit.tree, matcherFor(step.outputs), OUTSIDE_SHOWN);
  if (paths.length > 0) {
    add('phase-commit-outside-outputs', commit.sha, `phase commit ${short(commit.sha)} changes ${quoteList(paths, 5, more)}, outside phase ${step.phase}'s outputs (${step.outputs.join(', ')}).`);
  }
}

/**
 * The gate that guards advancing past the phase, re-run against the merge's tree: its file,
 * json and tasks checks, read as the runner's gate read the tree it committed (TreeFiles). Its
 * command checks ran programs in the agent's checkout, which history does not have.
 */
function checkOutputs(step: WorkstreamStep, merge: HistoryCommit, ctx: AuditContext, add: Add): void {
  const source = ctx.files.source(merge.tree);
  for (const check of step.checks.beforeAdvance) {
    const result = rerunCheck(check, source);
    if (result?.ok === false) add('output-missing', merge.sha, `at merge ${short(merge.sha)}, ${result.message}`);
  }
}

/** A check that reads files, run over a tree; undefined for one that does not (command, approval). */
function rerunCheck(check: Check, source: SyncFileSource): CheckResult | undefined {
  switch (check.kind) {
    case 'file':
      return runFileCheckSync(check, source);
    case 'json':
      return runJsonCheckSync(check, source);
    case 'tasks':
      return runTasksCheckSync(check, source);
    default:
      return undefined;
  }
}

function checkApproval(step: WorkstreamStep, record: MergeRecord, digest: string, add: Add): void {
  const { merge, claims } = record;
  const present = APPROVAL_KEYS.filter((k) => claims.values.has(k));
  const required = step.approval;
  if (present.length === 0) {
    if (required) add('approval-missing', merge.sha, `phase ${step.phase} needs a human's approval, but merge ${short(merge.sha)} has no Approved-* trailers.`);
    return;
  }
  if (present.length < APPROVAL_KEYS.length) {
    add('approval-incomplete', merge.sha, `merge ${short(merge.sha)} has ${present.join(', ')} but not all of ${APPROVAL_KEYS.join(', ')}.`);
    return;
  }
  const approved = claims.values.get('Approved-Digest');
  if (approved !== digest) {
    add('approval-digest-mismatch', merge.sha, `merge ${short(merge.sha)} was approved for ${approved ?? '?'}, but the artifacts it merged give ${digest}: what was merged is not what was approved.`);
  }
}
