// `phaserunner show T-003`: everything about one execution task's attempt in one place, read
// only: its state and why, its dependencies and writes, the attempt's prompt, exit.json, log
// tails, the check that failed (in its checkout or on its merge), and its commits.
import { runFiles } from '../dispatch/run-dir.js';
import { fail } from '../failures.js';
import type { ApprovalRow, RunRow } from '../store/store.js';
import { lastLines, readTextIfExists } from '../util/fs.js';
import { describe, readJson, stdoutTail, TAIL_LINES, type ShownCommit } from '../runner/show.js';
import { withStoreReadOnly } from '../runner/store-open.js';
import { EXECUTION, taskBranch } from '../workstream/execution.js';
import { readAttemptNotes, type AttemptNotes } from './attempt-notes.js';
import { executionAtBase } from './view-at-base.js';

export interface TaskDetail {
  readonly task: string;
  readonly title: string;
  readonly state: string;
  readonly reason: string | null;
  readonly depends_on: readonly string[];
  readonly writes: readonly string[];
  readonly checks: readonly { readonly argv: readonly string[]; readonly timeout_seconds: number }[];
  readonly branch: string;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly run: RunRow | null;
  readonly runs: readonly Pick<RunRow, 'run_id' | 'attempt' | 'step' | 'failure'>[];
  readonly approvals: readonly ApprovalRow[];
  readonly notes: AttemptNotes;
  readonly prompt: string | null;
  readonly exit: unknown;
  readonly log_tail: { readonly stdout: string; readonly stderr: string };
  readonly commit: ShownCommit | null;
  readonly merge: ShownCommit | null;
}

export async function showTask(cwd: string, id: string, attempt?: number): Promise<TaskDetail> {
  const { defs, exec } = await executionAtBase(cwd, id);
  const step = exec.stepFor(id);
  if (step === undefined) throw new Error(`task ${id} vanished from the plan it was found in`);
  const { row, runs, approvals } = withStoreReadOnly(defs.state.db, (store) => ({
    row: store?.task(EXECUTION, id),
    runs: store?.runs(EXECUTION, id) ?? [],
    approvals: store?.approvals(EXECUTION).filter((a) => a.step_id === id) ?? [],
  }));
  const run = attempt === undefined ? runs.at(-1) : runs.find((r) => r.attempt === attempt);
  if (attempt !== undefined && run === undefined) fail({ reason: 'unknown-attempt', phase: 0, attempt, attempts: runs.length });
  const files = run === undefined ? undefined : runFiles(run.run_dir);
  const root = defs.repo.root;
  const commit = run?.commit_sha ?? row?.commit_sha ?? null;
  const merge = run?.merge_sha ?? row?.merge_sha ?? null;
  return {
    task: id,
    title: step.title,
    state: row?.state ?? 'pending',
    reason: row?.reason ?? null,
    depends_on: step.dependsOn,
    writes: step.outputs,
    checks: step.checks.map((c) => ({ argv: c.argv, timeout_seconds: c.timeout_seconds })),
    branch: taskBranch(id),
    attempts: row?.attempts ?? 0,
    max_attempts: step.maxAttempts,
    run: run ?? null,
    runs: runs.map((r) => ({ run_id: r.run_id, attempt: r.attempt, step: r.step, failure: r.failure })),
    approvals: run === undefined ? approvals : approvals.filter((a) => a.run_id === run.run_id),
    notes: run === undefined ? {} : readAttemptNotes(run.run_dir),
    prompt: files === undefined ? null : ((await readTextIfExists(files.prompt)) ?? null),
    exit: files === undefined ? null : await readJson(files.exit),
    log_tail: { stdout: files === undefined ? '' : (await stdoutTail(files)).join('\n'), stderr: files === undefined ? '' : (await lastLines(files.stderr, TAIL_LINES)).join('\n') },
    commit: commit === null ? null : await describe(root, commit),
    merge: merge === null ? null : await describe(root, merge),
  };
}
