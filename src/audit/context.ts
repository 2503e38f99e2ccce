// What the audit's checks share: the workstream the history is judged by, the trees, and
// where findings go. One per pass over the history.
import type { Shallow } from '../git/shallow.js';
import type { Workstream, WorkstreamStep } from '../workstream/types.js';
import type { AuditDefinitions } from './definitions-at.js';
import type { FindingCode } from './findings.js';
import type { HistoryCommit } from './history.js';
import type { Claims } from './trailers.js';
import type { TreeFiles } from './tree-files.js';

export interface AuditContext {
  readonly root: string;
  /** The audited tip's definitions: for commits no run governed (strays) and the summary. */
  readonly workstream: Workstream;
  /** The definitions that governed each merge, by the commit its run started from. */
  readonly definitions: AuditDefinitions;
  readonly files: TreeFiles;
  readonly tip: string;
  /** In a shallow clone, what it lacks (shallow.ts): nothing is concluded from its absence. */
  readonly shallow: Shallow | undefined;
  add(code: FindingCode, phase: number | null, commit: string | null, message: string): void;
  /** Notes a check that could not be made because the history it needs is not in this clone. */
  uncheck(phase: number | null, commit: string | null, what: string): void;
}

/** A phase merge as read from history, with what the audit learned about it. */
export interface MergeRecord {
  readonly merge: HistoryCommit;
  readonly claims: Claims;
  /** The second parent when it is a phase commit. */
  readonly phaseCommit: HistoryCommit | undefined;
  /** The phase commit's claims (its problems are reported once, when it is read). */
  readonly phaseClaims: Claims | undefined;
  /** The step of the definitions that governed it (set once its trees are judged; undefined when they lack the phase). */
  step: WorkstreamStep | undefined;
  /** Those definitions. */
  governed: Workstream | undefined;
  /** The Artifacts-Digest recomputed from the merge's tree. */
  digest: string | undefined;
}
