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
  /** The digest of the `planning/tasks.json` blob the task came from. */
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
