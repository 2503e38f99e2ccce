// What the audit's checks share: the workstream the history is judged by, the trees, and
// where findings go. One per pass over the history.
import type { Workstream, WorkstreamStep } from '../workstream/types.js';
import type { FindingCode } from './findings.js';
import type { HistoryCommit } from './history.js';
import type { Claims } from './trailers.js';
import type { TreeFiles } from './tree-files.js';

export interface AuditContext {
  readonly root: string;
  readonly workstream: Workstream;
  readonly files: TreeFiles;
  readonly tip: string;
  /** Today's config's approvals list: what applies where a commit has no readable config. */
  readonly currentApprovals: readonly number[];
  /** The config's approvals list at each config blob (parsed once per version). */
  readonly approvalsByBlob: Map<string, readonly number[]>;
  add(code: FindingCode, phase: number | null, commit: string | null, message: string): void;
}

/** A phase merge as read from history, with what the audit learned about it. */
export interface MergeRecord {
  readonly merge: HistoryCommit;
  readonly claims: Claims;
  /** The second parent when it is a phase commit. */
  readonly phaseCommit: HistoryCommit | undefined;
  /** The phase commit's claims (its problems are reported once, when it is read). */
  readonly phaseClaims: Claims | undefined;
  readonly step: WorkstreamStep | undefined;
  /** The Artifacts-Digest recomputed from the merge's tree. */
  digest: string | undefined;
}
