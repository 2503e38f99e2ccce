// The audit of a shallow clone judges what the clone has and says what it could not check.
// No finding may come from missing history: a merge whose phase commit is beyond the cut is
// still a merge, with the checks that need only the merge; a run that started beyond the cut
// is judged by definitions here only when they provably are the ones it followed (they give
// the Definitions-Digest the merge records). Each check left undone is noted (`uncheck`) and
// reported under `shallow`, with how to fetch the rest.
import { definitionsDigest } from '../definitions/digest.js';
import type { AuditContext, MergeRecord } from './context.js';
import type { Governed } from './definitions-at.js';
import { short } from './format.js';
import type { TreeVerdict } from './merge-checks.js';
import { stepClaimed } from './trailers.js';

/** A check the audit could not make, and why. */
export interface Unchecked {
  readonly phase: number | null;
  readonly commit: string | null;
  /** One sentence: what was not checked, and which missing commit it needed. */
  readonly what: string;
}

/** The `shallow` part of the report: null when the audit had all the history it needed. */
export interface ShallowReport {
  /** Where the history read stops: commits whose parents this clone does not have, newest first. */
  readonly boundary: readonly string[];
  readonly unchecked: readonly Unchecked[];
}

/** True when `commit` lies beyond a shallow clone's cut: git does not have it here. */
export function beyondCut(ctx: Pick<AuditContext, 'shallow'>, commit: string | undefined): boolean {
  return commit !== undefined && ctx.shallow?.missing.has(commit) === true;
}

/** True (and noted) when the merge's second parent is beyond the cut: no phase commit to compare it with. */
export function phaseCommitBeyondCut(ctx: AuditContext, merge: MergeRecord['merge'], phase: number | undefined): boolean {
  const p2 = merge.parents[1];
  if (!beyondCut(ctx, p2)) return false;
  ctx.uncheck(phase ?? null, merge.sha, `merge ${short(merge.sha)}'s phase commit ${short(p2 ?? '')} is not in this clone: its trailers, Artifacts-Digest and scope were not checked.`);
  return true;
}

type JudgeBy = (ctx: AuditContext, record: MergeRecord, governed: Governed, start: string | undefined) => TreeVerdict;

/**
 * The verdict on a merge whose run started beyond the cut (its phase commit, or that commit's
 * parent, is not here); undefined for any other merge. The definitions at the merge's first
 * parent, else at the merge itself, stand in when their step for the phase gives the
 * Definitions-Digest the merge records: then every tree check is made with them. Otherwise
 * which definitions governed is unknown, and the checks that depend on them are not made.
 */
export function judgeBeyondCut(ctx: AuditContext, record: MergeRecord, judgeBy: JudgeBy): TreeVerdict | undefined {
  const { merge, claims, phaseCommit } = record;
  // The run started at the phase commit's parent: unknown without the phase commit.
  const needed = phaseCommit === undefined ? merge.parents[1] : phaseCommit.parents[0];
  if (!beyondCut(ctx, needed)) return undefined;
  const phase = claims.phase ?? null;
  const started = phaseCommit === undefined ? 'the commit its run started from' : `the commit its run started from (${short(needed ?? '')})`;
  const recorded = claims.wellFormed.has('Definitions-Digest') ? claims.values.get('Definitions-Digest') : undefined;
  for (const candidate of [merge.parents[0], merge.sha]) {
    if (candidate === undefined || beyondCut(ctx, candidate) || claims.phase === undefined || recorded === undefined) continue;
    const governed = ctx.definitions.governing(candidate, claims.phase, recorded);
    const step = governed.problem === undefined ? governed.workstream.stepForPhase(claims.phase) : undefined;
    if (step === undefined || definitionsDigest(step) !== recorded) continue;
    const verdict = judgeBy(ctx, record, governed, candidate);
    const scope = phaseCommit === undefined ? '' : ', nor its phase commit\'s scope with that commit';
    const what = `merge ${short(merge.sha)}: ${started} is not in this clone, so its Definitions-Digest was not compared with the definitions committed there${scope} (it was judged by those at ${short(candidate)}, which give the same digest).`;
    return { ...verdict, unchecked: [{ phase, commit: merge.sha, what }] };
  }
  // The phase is named by the audited tip's definitions, so it is summarized and ordered; what
  // they say about it is not held against the merge.
  const step = stepClaimed(ctx.workstream, claims, merge, 'merge', []);
  const why = recorded === undefined ? 'it records no Definitions-Digest' : 'no definitions here give the Definitions-Digest it records';
  const what = `merge ${short(merge.sha)}: ${started} is not in this clone and ${why}, so which definitions governed it is unknown: its Artifacts-Digest, outputs and approval were not checked.`;
  return { digest: undefined, findings: [], step, governed: undefined, unchecked: [{ phase, commit: merge.sha, what }] };
}
