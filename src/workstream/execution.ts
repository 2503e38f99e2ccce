// The execution workstream (issue 17): the tasks of the plan planning merged
// (planning/tasks.json as committed on the base), each one step. A task's step is what the
// engine needs for one attempt of it, as a phase's is: its prompt's inputs, the files it may
// change (its `writes`, as a phase's outputs), its acceptance commands (its `checks`, as a
// gate's command checks), its limits and whether a human approves it. Which tasks may start
// is the scheduler's (src/execution/schedule.ts), not a gate's.
import type { Config } from '../config/schema.js';
import type { CommandCheck } from '../phases/schema.js';
import type { NormalisedTask, Plan, PlanCheck } from '../planning/plan.js';
import type { z } from 'zod';
import type { StepId } from './step-id.js';

export const EXECUTION = 'execution';

/** Where a task's branch lives: `phaserunner/execution/<id>` (ids are checked as ref components when the plan loads). */
export function taskBranch(id: StepId): string {
  return `phaserunner/${EXECUTION}/${id}`;
}

/** The role a task's agent plays unless the task names one. */
export const DEFAULT_TASK_ROLE = 'implementer';

type CommandCheckDef = z.output<typeof CommandCheck>;

export interface TaskStep {
  readonly id: StepId;
  readonly task: NormalisedTask;
  readonly title: string;
  readonly role: string;
  /** The configured agent that works on it, when the task names one (else the config's `agent`). */
  readonly agent: string | undefined;
  /** Files it may change: its `writes`. A change outside them fails the attempt. */
  readonly outputs: readonly string[];
  /** Its acceptance, run in its checkout when its agent ends and again on its merge candidate. */
  readonly checks: readonly CommandCheckDef[];
  readonly dependsOn: readonly StepId[];
  readonly timeoutMinutes: number | undefined;
  readonly maxAttempts: number;
  /** A human approves its verified changes before they are merged. */
  readonly approval: boolean;
}

export interface ExecutionWorkstream {
  readonly name: typeof EXECUTION;
  /** The plan's blob on the base: every task commit and merge names it (Plan-Digest). */
  readonly planBlob: string;
  readonly plan: Plan;
  /** Every task's id, in plan order. */
  readonly stepIds: readonly StepId[];
  stepFor(id: StepId): TaskStep | undefined;
  /** Tasks whose agents work at once (`run --concurrency` overrides the config's). */
  readonly concurrency: number;
  /** Run on every merge candidate after the task's own checks. */
  readonly integrationChecks: readonly CommandCheckDef[];
}

export type ExecutionConfig = Pick<Config, 'execution' | 'max_attempts'>;

/** The execution workstream of a plan (loaded and validated: src/planning/plan.ts) under a config. */
export function executionWorkstream(plan: Plan, planBlob: string, config: ExecutionConfig, concurrency?: number): ExecutionWorkstream {
  const approvals = config.execution.approvals;
  const steps = new Map<StepId, TaskStep>(
    plan.tasks.map((task) => [
      task.id,
      {
        id: task.id,
        task,
        title: task.title,
        role: task.role ?? DEFAULT_TASK_ROLE,
        agent: task.agent,
        outputs: task.writes,
        checks: task.checks.map(commandCheck),
        dependsOn: task.depends_on,
        timeoutMinutes: task.timeout_minutes,
        maxAttempts: task.max_attempts ?? config.max_attempts,
        approval: task.approval === true || approvals === true || approvals.includes(task.id),
      },
    ]),
  );
  return {
    name: EXECUTION,
    planBlob,
    plan,
    stepIds: plan.tasks.map((t) => t.id),
    stepFor: (id) => steps.get(id),
    concurrency: concurrency ?? config.execution.concurrency,
    integrationChecks: config.execution.integration_checks.map(commandCheck),
  };
}

/** A plan's command as a gate's command check: the engine runs both the same way. */
function commandCheck(check: PlanCheck): CommandCheckDef {
  return { kind: 'command', argv: check.argv, timeout_seconds: check.timeout_seconds };
}
