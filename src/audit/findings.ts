// The audit's finding codes. They are public and stable: scripts match on them, and
// docs/audit.md lists each with what to do about it. Add codes; never rename one.

export const FINDING_CODES = {
  'trailer-missing': 'a phase or task commit, or its merge, lacks a trailer of the git contract',
  'trailer-malformed': 'a trailer value is not well-formed, or the trailer paragraph has a line that is not a trailer',
  'trailer-duplicate': 'a trailer key appears more than once',
  'phase-unknown': 'the trailers name a workstream or phase this repository does not have',
  'phase-name-mismatch': 'Phase-Name does not match the name of the phase number',
  'nonzero-exit': 'a merged phase or task records an agent exit code other than 0',
  'merge-parent-untrailed': "a phase (task) merge's second parent is not a phase (task) commit",
  'merge-parent-mismatch': "a phase (task) merge's second parent names another workstream, phase, task, plan or run",
  'digest-mismatch': "a merge's Artifacts-Digest is not the digest of its tree",
  'phase-digest-mismatch': "a phase commit's Artifacts-Digest is not the digest of its tree",
  'phase-commit-outside-outputs': 'a phase commit changes files outside its phase\'s declared outputs',
  'run-merged-twice': 'the same run was merged more than once',
  'phase-merged-twice': 'a phase was merged again by another run',
  'phase-out-of-order': 'a phase was merged after a later phase',
  'phase-skipped': 'a phase was merged although an earlier phase never was',
  'output-missing': "a required output fails the gate's file, json or tasks checks at the merge",
  'approval-missing': 'a phase or task that needs approval was merged without Approved-* trailers',
  'approval-incomplete': 'a merge has some Approved-* trailers but not all (a malformed value is `trailer-malformed`)',
  'approval-digest-mismatch': 'Approved-Digest is not the digest of the artifacts merged',
  drift: "commits outside any phase run changed a phase's outputs after its merge",
  'copied-trailers': "a commit on the base carries trailers copied from another run's commit",
  'phase-commit-not-merged': 'a phase commit sits on the base without its merge (cherry-picked or rebased)',
  'hand-merged': 'a phase or task commit reached the base through a merge phaserunner did not make',
  'store-run-missing': 'the store has no record of a run merged in git',
  'store-commit-mismatch': 'the store records other commits for a run than git has',
  'store-merge-not-in-history': 'the store says a phase or run was merged, but that merge is not in the history',
  'approval-not-in-store': 'a merge carries an approval the store has no record of',
  'store-unreadable': 'the store exists but cannot be read, so it was not cross-checked',
  'record-changes-files': 'a record commit (replan, acknowledge) changes files or has more than one parent; a record only records a decision',
  'definitions-mismatch': "a merge's Definitions-Digest is not the digest of the definitions committed where its run started (or those cannot be read)",
  'command-failed': "a gate's command check fails when run again on a clean checkout of the merge's tree (`audit --commands`)",
  'plan-unknown': "a task merge's Plan-Digest names no planning/tasks.json that planning merged or acknowledged on the base before it, or one that is not a plan",
  'task-unknown': 'a task merge names a task that the plan its Plan-Digest names does not have',
  'task-digest-mismatch': "a task commit's Artifacts-Digest is not the digest of its tree over the task's writes",
  'task-outside-writes': "a task commit changes files outside its task's writes",
  'task-merged-twice': 'a task was merged again by another run',
  'task-dependency-not-merged': 'a task was merged before a task it depends on: no merge of that task is an ancestor of its merge',
  'task-commit-not-merged': 'a task commit sits on the base without its merge (cherry-picked or rebased)',
} as const;

export type FindingCode = keyof typeof FINDING_CODES;

export interface Finding {
  readonly code: FindingCode;
  readonly phase: number | null;
  /** The execution task the finding is about (its merge's Task), on findings about one. */
  readonly task?: string;
  readonly commit: string | null;
  /** One sentence a human can act on. */
  readonly message: string;
}
