// The trailers of an execution task's commits (its task commit and its merge into the base),
// beside planning's (src/git/trailers.ts), whose meaning does not change. Written by the runner
// from values it controls, in this order, as the last paragraph of the message.
import { approvalLines, asciiTrailerLine, messageWithTrailers, type ApprovalTrailers } from './trailers.js';

export const TASK_TRAILER_KEYS = ['Workstream', 'Task', 'Run-Id', 'Attempt', 'Agent', 'Exit-Code', 'Artifacts-Digest', 'Plan-Digest'] as const;

export type TaskTrailerKey = (typeof TASK_TRAILER_KEYS)[number];

export interface TaskTrailers {
  /** `execution`. */
  readonly workstream: string;
  /** The task's id (already checked as a git ref component: it names the task's branch). */
  readonly task: string;
  readonly runId: string;
  readonly attempt: number;
  readonly agent: string;
  readonly exitCode: number;
  /** Over the task's changed files (docs/git-contract.md), at the commit that carries it. */
  readonly artifactsDigest: string;
  /** The plan the task came from: `planDigestOf(<blob id of planning/tasks.json>)`. */
  readonly planDigest: string;
}

/** The task trailer lines in TASK_TRAILER_KEYS order; throws on a value that is not one line of printable ASCII. */
export function taskTrailerLines(t: TaskTrailers): string[] {
  const values: Record<TaskTrailerKey, string> = {
    Workstream: t.workstream,
    Task: t.task,
    'Run-Id': t.runId,
    Attempt: String(t.attempt),
    Agent: t.agent,
    'Exit-Code': String(t.exitCode),
    'Artifacts-Digest': t.artifactsDigest,
    'Plan-Digest': t.planDigest,
  };
  return TASK_TRAILER_KEYS.map((key) => asciiTrailerLine(key, values[key]));
}

/** A task commit's or merge's message: subject, body (indented), the task trailers, then an approval's. */
export function buildTaskMessage(subject: string, body: readonly string[], trailers: TaskTrailers, approval?: ApprovalTrailers): string {
  return messageWithTrailers(subject, body, [...taskTrailerLines(trailers), ...(approval === undefined ? [] : approvalLines(approval))]);
}

/** The execution workstream's name: the `Workstream` trailer of every task commit and merge. */
export const EXECUTION_WORKSTREAM = 'execution';

/**
 * Whether a commit's trailers (each key's first value) are a task's: `Workstream: execution`,
 * or no Workstream but a Task (a task commit that lost a trailer is still judged as one).
 */
export function claimsTask(values: ReadonlyMap<string, string>): boolean {
  const workstream = values.get('Workstream');
  return workstream === EXECUTION_WORKSTREAM || (workstream === undefined && values.has('Task'));
}

/** The plan a task comes from, as planning writes it on the base. */
export const PLAN_PATH = 'planning/tasks.json';

/** A git object id: SHA-1, or SHA-256 in a repository made with `--object-format=sha256`. */
const BLOB_ID = /^(?:[0-9a-f]{40}|[0-9a-f]{64})$/;

/**
 * Plan-Digest names the plan by its git blob id, `blob:<oid>` (40 hex digits, or 64 in a
 * SHA-256 repository). A blob id is a digest git itself keeps: anyone can verify it with
 * `git rev-parse <commit>:planning/tasks.json` and read the plan with `git cat-file -p <oid>`,
 * and the audit finds the plan by it without knowing which commit held it. Not `sha1:` or
 * `sha256:`: in this contract those prefix hashes of content (Artifacts-Digest), and a
 * SHA-256 repository's blob ids would read as one.
 */
export function planDigestOf(blobId: string): string {
  if (!BLOB_ID.test(blobId)) throw new Error(`not a git blob id: ${JSON.stringify(blobId)}`);
  return `blob:${blobId}`;
}

/** The blob id a Plan-Digest value names, or undefined when the value is not one. */
export function planBlobOf(planDigest: string): string | undefined {
  const oid = planDigest.startsWith('blob:') ? planDigest.slice('blob:'.length) : '';
  return BLOB_ID.test(oid) ? oid : undefined;
}
