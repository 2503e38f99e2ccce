// The `mergeToBase` success action. The merge is computed in memory, then published:
// - when the base branch is checked out in some worktree (usually the user's), by
//   fast-forwarding that checkout, which carries the user's uncommitted changes along and
//   refuses, changing nothing, when one would be overwritten;
// - otherwise by moving the base ref with compare-and-swap.
// If the base moved meanwhile, the merge is recomputed on the new tip; it is never overwritten.
import { commitTree } from '../git/commit.js';
import { digestOf, outputFilesAt } from '../git/digest.js';
import { mergeThatBrought, mergeTree } from '../git/merge.js';
import { branchTip, isAncestor } from '../git/repo.js';
import { buildMessage, quoteForBody, type ApprovalTrailers } from '../git/trailers.js';
import type { RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { trailersFor } from './trailers-for.js';
import { crashPoint } from './crash-points.js';
import { publishOnBase } from './publish.js';

/** Why a merge cannot happen without redoing the phase. */
export interface ConflictReason {
  /** `approval-stale`: the merge would change the approved outputs (the base changed them). */
  readonly kind: 'conflict' | 'approval-stale';
  readonly paths: readonly string[];
}

export type MergeOutcome =
  | { readonly kind: 'merged'; readonly merge: string }
  | { readonly kind: 'conflict'; readonly reason: ConflictReason }
  | { readonly kind: 'waiting'; readonly reason: string };

const MAX_TRIES = 5;

export async function mergePhase(r: Runner, run: RunRow, step: WorkstreamStep, commit: string, approval?: ApprovalTrailers): Promise<MergeOutcome> {
  const root = r.repo.root;
  const base = r.config.base;
  const ws = r.workstream.name;
  for (let tries = 0; tries < MAX_TRIES; tries++) {
    const tip = await branchTip(root, base);
    // Already in the base: published by a pass that died before recording it, or merged by
    // hand. Recognise it rather than merge twice.
    if (await isAncestor(root, commit, tip)) return { kind: 'merged', merge: (await mergeThatBrought(root, tip, commit)) ?? tip };
    const merged = await mergeTree(root, tip, commit);
    if (!merged.clean) return { kind: 'conflict', reason: { kind: 'conflict', paths: merged.conflicts } };
    const files = await outputFilesAt(root, merged.tree, step.outputs);
    const digest = digestOf(files);
    // The approval names what may be merged: when the base changed those outputs, the merge
    // would publish something nobody approved.
    if (approval !== undefined && approval.digest !== digest) {
      const approved = new Map((await outputFilesAt(root, commit, step.outputs)).map((f) => [f.path, f.oid]));
      const changed = files.filter((f) => approved.get(f.path) !== f.oid).map((f) => f.path);
      return { kind: 'conflict', reason: { kind: 'approval-stale', paths: changed.length > 0 ? changed : [...approved.keys()] } };
    }
    const body = [`Merges ${run.branch} (attempt ${run.attempt}).`];
    if (approval !== undefined) body.push(`Approved by ${quoteForBody(approval.by)}.`);
    const message = buildMessage(`${ws}: merge phase ${step.phase} ${step.name} into ${base}`, body, trailersFor(ws, step, run, digest), approval);
    const merge = await commitTree(root, merged.tree, [tip, commit], message, r.config.identity, { sign: r.signCommits });
    crashPoint('merge:commit-created');
    const published = await publishOnBase(r, merge, tip, 'the merge', `phaserunner: merge phase ${step.phase}`);
    if (published.kind === 'published') return { kind: 'merged', merge };
    if (published.kind === 'moved') continue; // The base moved: merge again onto the new tip.
    return { kind: 'waiting', reason: `phase ${step.phase} is committed (${commit.slice(0, 12)} on ${run.branch}), but ${published.reason}` };
  }
  return { kind: 'waiting', reason: `${base} kept moving while phaserunner tried to merge phase ${step.phase} (${MAX_TRIES} tries).` };
}
