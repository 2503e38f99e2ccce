// Human approval of a phase commit. An approval is bound to exactly what was reviewed: the
// phase commit and its Artifacts-Digest. If the phase branch no longer points at that commit
// when the runner merges, the approval does not count. `reject` sends the phase back with the
// reason, which the next attempt's prompt shows.
import { updateRefCas } from '../git/commit.js';
import { artifactsDigest } from '../git/digest.js';
import { nameProblem, type ApprovalTrailers } from '../git/trailers.js';
import { fail } from '../failures.js';
import type { ApprovalRow, NewApproval, RunRow } from '../store/store.js';
import { proveDecision, provenDecision } from './approval-proof.js';
import { insideAttempt } from './approval-origin.js';
import { nowIso } from '../util/time.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { attemptSnapshotRef } from './naming.js';
import { crashPoint } from './crash-points.js';
import { phaseBranchTip } from './commit-phase.js';
import { workstreamOf } from './governed.js';
import { attemptLimit } from './attempts.js';
import { phaseOf, phaseStep } from '../workstream/step-id.js';

export type ApprovalCheck =
  | { readonly kind: 'approved'; readonly approval: ApprovalTrailers }
  | { readonly kind: 'waiting'; readonly reason: string };

/**
 * Is the run's phase commit approved, and does that approval still count? The approval names
 * the commit; its digest is checked against what is actually merged (mergePhase).
 */
export async function checkApproval(r: Runner, run: RunRow, step: WorkstreamStep, commit: string): Promise<ApprovalCheck> {
  // Only decisions `approve` and `reject` recorded count: a row anything else wrote has no proof.
  const decisions = r.store.decisionsOn(run.run_id);
  const last = decisions.filter((d) => provenDecision(d)).at(-1);
  const unproven = decisions.at(-1);
  if (unproven !== undefined && unproven !== last) {
    return {
      kind: 'waiting',
      reason:
        `the store holds an approval of phase ${step.phase} "by ${unproven.by}" that \`phaserunner approve\` did not record (it carries no valid proof: something else wrote it into the store), so it does not count. ` +
        awaitingReason(r, run, commit),
    };
  }
  if (last?.decision !== 'approved') return { kind: 'waiting', reason: awaitingReason(r, run, commit) };
  const tip = await phaseBranchTip(r, run);
  if (last.commit_sha !== commit || tip !== commit) {
    return {
      kind: 'waiting',
      reason:
        `${run.branch} changed after ${last.by} approved phase ${step.phase} (approved ${last.commit_sha.slice(0, 12)}, ` +
        `the branch is now ${tip?.slice(0, 12) ?? 'deleted'}), so the approval no longer counts. Put the approved commit back with ` +
        `\`git update-ref refs/heads/${run.branch} ${commit}\`: the approval then counts again, and \`phaserunner reject ${step.phase} --by NAME --reason TEXT\` ` +
        `can send the phase back instead (both refuse while the branch holds anything else).`,
    };
  }
  return { kind: 'approved', approval: { by: last.by, at: last.at, digest: last.digest } };
}

function awaitingReason(r: Runner, run: RunRow, commit: string): string {
  return `committed as ${commit.slice(0, 12)} on ${run.branch}; a human must approve it before it is merged into ${r.config.base}.`;
}

export interface Decision {
  readonly phase: number;
  readonly by: string;
  /** The note of an approval, the reason of a rejection. */
  readonly text: string | undefined;
}

/** Records an approval of the phase's commit as it is now. The caller then runs a pass to merge it. */
export async function approvePhase(r: Runner, d: Decision): Promise<ApprovalRow> {
  const { run, step, commit, digest } = await pendingReview(r, d, 'approve');
  const row = r.store.recordApproval(proven({ workstream: r.workstream.name, step_id: phaseStep(d.phase), run_id: run.run_id, decision: 'approved', by: d.by, note: d.text ?? null, commit_sha: commit, digest }));
  crashPoint('approve:recorded');
  r.emit({ type: 'approved', phase: d.phase, name: step.name, runId: run.run_id, by: d.by, commit, digest });
  return row;
}

/**
 * Rejects the phase's commit: it is kept on the attempt's ref, and the phase goes back to
 * pending (or to failed when it has no attempts left) with the reason for the next attempt.
 */
export async function rejectPhase(r: Runner, d: Decision & { readonly text: string }): Promise<void> {
  if (d.text.trim() === '') fail({ reason: 'approval-refused', phase: d.phase, verb: 'reject', cause: 'no-reason', detail: '--reason is empty; the next attempt needs to know what to change' });
  const { run, step, commit, digest } = await pendingReview(r, d, 'reject');
  const ws = r.workstream.name;
  const ref = attemptSnapshotRef(run.run_id);
  await updateRefCas(r.repo.root, ref, commit, undefined, `phaserunner: rejected attempt ${run.attempt} of phase ${d.phase}`);
  const failure = `${d.by} rejected it: ${d.text}`;
  const exhausted = run.attempt >= attemptLimit(r.config, r.store.phase(ws, phaseStep(d.phase)));
  r.store.write(() => {
    r.store.recordApproval(proven({ workstream: ws, step_id: phaseStep(d.phase), run_id: run.run_id, decision: 'rejected', by: d.by, note: d.text, commit_sha: commit, digest }));
    r.store.updateRun(run.run_id, { step: 'rejected', failure });
    r.store.transition(ws, phaseStep(d.phase), run.run_id, exhausted ? 'failed' : 'pending', `attempt ${run.attempt} rejected by ${d.by}: ${d.text}`, { commit_sha: null });
  });
  crashPoint('reject:recorded');
  r.emit({ type: 'rejected', phase: d.phase, name: step.name, runId: run.run_id, by: d.by, reason: d.text, kept: ref, exhausted });
}

/** A decision with its time and the proof that this command recorded it. */
export function proven(entry: Omit<NewApproval, 'at' | 'proof'>): NewApproval {
  const at = nowIso();
  return { ...entry, at, proof: proveDecision({ ...entry, at }) };
}

/**
 * Why `by` cannot decide here, or undefined: a name that cannot be a trailer value, or a
 * command started from inside an agent's attempt (a person decides, never an agent).
 */
export function deciderProblem(by: string): { readonly cause: 'bad-name' | 'inside-attempt'; readonly detail: string } | undefined {
  const problem = nameProblem(by);
  if (problem !== undefined) return { cause: 'bad-name', detail: `--by ${problem}` };
  const origin = insideAttempt();
  if (origin === undefined) return undefined;
  const which = origin.runId === undefined ? `a dispatch wrapper (pid ${origin.pid})` : `run ${origin.runId} (pid ${origin.pid})`;
  return { cause: 'inside-attempt', detail: `this command was started from inside an agent's attempt: ${which}` };
}

async function pendingReview(
  r: Runner,
  d: Decision,
  verb: 'approve' | 'reject',
): Promise<{ run: RunRow; step: WorkstreamStep; commit: string; digest: string }> {
  const who = deciderProblem(d.by);
  if (who !== undefined) fail({ reason: 'approval-refused', phase: d.phase, verb, ...who });
  const ws = r.workstream.name;
  const row = r.store.phase(ws, phaseStep(d.phase));
  if (row === undefined || !r.workstream.phaseIds.includes(d.phase)) fail({ reason: 'unknown-phase', phase: d.phase, known: [...r.workstream.phaseIds] });
  const run = r.store.activeRuns(ws).find((x) => phaseOf(x) === d.phase && x.step === 'committed');
  if (row.state !== 'awaiting_approval' || run?.commit_sha == null) {
    fail({ reason: 'approval-refused', phase: d.phase, verb, cause: 'not-awaiting', detail: row.state });
  }
  // The run's own definitions: the outputs its digest covers are the ones it was dispatched with.
  const step = (await workstreamOf(r, run)).stepForPhase(d.phase);
  if (step === undefined) fail({ reason: 'unknown-phase', phase: d.phase, known: [...r.workstream.phaseIds] });
  const commit = run.commit_sha;
  const tip = await phaseBranchTip(r, run);
  if (tip !== commit) {
    fail({
      reason: 'approval-refused',
      phase: d.phase,
      verb,
      cause: 'branch-changed',
      detail: `${run.branch} is at ${tip ?? '(deleted)'}, but phaserunner committed ${commit}; only that commit can be reviewed. Put it back with \`git update-ref refs/heads/${run.branch} ${commit}\`.`,
    });
  }
  return { run, step, commit, digest: await artifactsDigest(r.repo.root, commit, step.outputs) };
}
