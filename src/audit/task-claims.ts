// Reading an execution task's commit or merge (src/git/task-trailers.ts): which commits are
// the execution workstream's, and their trailer paragraph as claims, read by the same function
// as a phase's (trailers.ts: readParagraph), so both break the contract in the same ways.
import { claimsTask, planBlobOf, TASK_TRAILER_KEYS } from '../git/task-trailers.js';
import { APPROVAL_KEYS } from '../git/trailers.js';
import { taskIdProblem } from '../planning/task-id.js';
import type { Finding } from './findings.js';
import { short } from './format.js';
import { firstValues, type HistoryCommit } from './history.js';
import { readParagraph, TRAILER_FORMAT } from './trailers.js';

export interface TaskClaims {
  /** Each key's first value. */
  readonly values: ReadonlyMap<string, string>;
  /** Keys whose value is well-formed. */
  readonly wellFormed: ReadonlySet<string>;
  /** The task id, when Task is well formed. */
  readonly task: string | undefined;
  /** The blob id of the plan Plan-Digest names, when it is well formed. */
  readonly plan: string | undefined;
}

const CONTRACT = {
  required: TASK_TRAILER_KEYS,
  known: [...TASK_TRAILER_KEYS, ...APPROVAL_KEYS] as readonly string[],
  format: {
    ...TRAILER_FORMAT,
    // An id as the plan loader accepts one (a version 1 plan's too: it still runs).
    Task: (v: string) => taskIdProblem(v, 1) === undefined,
    'Plan-Digest': (v: string) => planBlobOf(v) !== undefined,
  },
};

/** Whether the commit is the execution workstream's (task-trailers.ts: claimsTask). */
export function isTaskCommit(c: HistoryCommit): boolean {
  return claimsTask(firstValues(c.trailers));
}

/** The commit's claims; every problem is added to `findings`, about the task when Task is well formed. */
export function readTaskClaims(commit: HistoryCommit, what: string, findings: Finding[]): TaskClaims {
  const { values, wellFormed, problems } = readParagraph(commit.trailers, CONTRACT);
  const task = wellFormed.has('Task') ? values.get('Task') : undefined;
  const planDigest = wellFormed.has('Plan-Digest') ? values.get('Plan-Digest') : undefined;
  const label = `${what} ${short(commit.sha)}`;
  const about = task === undefined ? {} : { task };
  for (const p of problems) findings.push({ code: p.code, phase: null, ...about, commit: commit.sha, message: `${label} ${p.text}.` });
  const exit = values.get('Exit-Code');
  if (wellFormed.has('Exit-Code') && exit !== '0') {
    findings.push({ code: 'nonzero-exit', phase: null, ...about, commit: commit.sha, message: `${label} records Exit-Code: ${exit ?? '?'}; phaserunner only merges work whose agent exited 0.` });
  }
  return { values, wellFormed, task, plan: planDigest === undefined ? undefined : planBlobOf(planDigest) };
}
