// The execution workstream as `status --workstream execution` shows it: every task of the plan
// on the base with its state in the store, and why it is not merged yet. Read-only.
import { progressPossible, type HumanWait } from '../execution/schedule.js';
import type { TaskState } from '../execution/task-states.js';
import type { TaskRow } from '../store/store.js';
import type { ExecutionWorkstream } from '../workstream/execution.js';
import { taskBranch } from '../workstream/execution.js';
import { PLAN_PATH, planDigestOf } from '../git/task-trailers.js';
import { schedulerStateOf, spent } from './schedule-state.js';

export interface TaskStatus {
  readonly id: string;
  readonly title: string;
  readonly state: TaskState;
  readonly depends_on: readonly string[];
  readonly writes: readonly string[];
  readonly attempts: number;
  readonly max_attempts: number;
  /** Attempts the runner may still make without a human (a `retry` gives the whole budget again). */
  readonly attempts_left: number;
  readonly branch: string;
  readonly commit: string | null;
  readonly merge: string | null;
  /** Why it is not merged (null once merged). */
  readonly reason: string | null;
  readonly agent: string | null;
}

export interface ExecutionStatusView {
  readonly workstream: 'execution';
  readonly base: string;
  readonly plan: { readonly file: string; readonly digest: string; readonly version: number };
  readonly concurrency: number;
  readonly complete: boolean;
  readonly tasks: readonly TaskStatus[];
  /** The tasks a human must act on, and what each holds up. */
  readonly waits: readonly HumanWait[];
  readonly next: string;
}

export function executionStatus(exec: ExecutionWorkstream, rows: readonly TaskRow[], base: string): ExecutionStatusView {
  const byId = new Map(rows.map((r) => [r.step_id, r]));
  const state = (id: string): TaskState => byId.get(id)?.state ?? 'pending';
  const tasks = exec.stepIds.map((id): TaskStatus => {
    const step = exec.stepFor(id);
    const row = byId.get(id);
    const current = state(id);
    const deps = step?.dependsOn ?? [];
    const waiting = deps.filter((d) => state(d) !== 'merged');
    const reason =
      current === 'merged'
        ? null
        : current === 'pending'
          ? waiting.length > 0
            ? `waits for ${waiting.map((d) => `${d} (${state(d)})`).join(', ')} to be merged`
            : (row?.reason ?? 'ready: dispatched when a slot is free and no task in flight writes the same files')
          : (row?.reason ?? null);
    return {
      id,
      title: step?.title ?? id,
      state: current,
      depends_on: deps,
      writes: step?.outputs ?? [],
      attempts: row?.attempts ?? 0,
      max_attempts: step?.maxAttempts ?? 0,
      attempts_left: Math.max(0, (step?.maxAttempts ?? 0) - (row === undefined ? 0 : spent(row))),
      branch: taskBranch(id),
      commit: row?.commit_sha ?? null,
      merge: row?.merge_sha ?? null,
      reason,
      agent: step?.agent ?? null,
    };
  });
  const report = progressPossible(schedulerStateOf(exec, rows), { concurrency: exec.concurrency });
  return {
    workstream: 'execution',
    base,
    plan: { file: PLAN_PATH, digest: planDigestOf(exec.planBlob), version: exec.plan.version },
    concurrency: exec.concurrency,
    complete: report.done,
    tasks,
    waits: report.waits,
    next: nextStep(report.done, report.possible, report.waits),
  };
}

function nextStep(done: boolean, possible: boolean, waits: readonly HumanWait[]): string {
  if (done) return 'Every task is merged.';
  const human = waits.map((w) => `\`phaserunner ${w.action === 'resolve' ? 'retry' : w.action} ${w.task}\` (${w.state}${w.waiting.length > 0 ? `; holds up ${w.waiting.join(', ')}` : ''})`);
  if (possible) return `\`phaserunner run --workstream execution --wait\` goes on${human.length > 0 ? `; a human is needed for ${human.join(', ')}` : ''}.`;
  return human.length > 0 ? `Needs you: ${human.join(', ')}.` : 'Nothing can go on: see the reasons above.';
}
