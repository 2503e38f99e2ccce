// An execution command's lifetime: the runner's (validate, lock, store; src/runner/session.ts),
// then what execution needs on top: planning complete, the plan on the base valid, every
// agent a task names available, the tasks in the store. All checked before anything moves.
import { resolveAgent } from '../agents/registry.js';
import type { AgentAdapter } from '../agents/types.js';
import { fail } from '../failures.js';
import { configFile } from '../paths.js';
import type { Emit } from '../runner/events.js';
import { phaseViews } from '../runner/loop.js';
import { withRunner } from '../runner/session.js';
import type { Runner } from '../runner/context.js';
import { EXECUTION, executionWorkstream, type TaskStep } from '../workstream/execution.js';
import { serialiser, type Execution } from './context.js';
import { planAtBase } from './plan-at-base.js';
import { executionAtBase } from './view-at-base.js';
import { rebuildExecution } from './rebuild.js';

export interface ExecutionOptions {
  /** `run --concurrency N`: overrides `execution.concurrency`. */
  readonly concurrency?: number | undefined;
  /** The task a verb names (`retry T-003`): refused as unknown first, whatever else is not ready. */
  readonly task?: string | undefined;
}

export async function withExecution<T>(cwd: string, emit: Emit, options: ExecutionOptions, fn: (x: Execution) => Promise<T>): Promise<T> {
  // Before anything is touched (the lock, the state directory): a task nobody planned.
  if (options.task !== undefined) await executionAtBase(cwd, options.task);
  return withRunner(cwd, emit, async (r) => fn(await openExecution(r, options)));
}

export async function openExecution(r: Runner, options: ExecutionOptions): Promise<Execution> {
  assertPlanningComplete(r);
  const { plan, blob } = await planAtBase(r.repo.root, r.config.base);
  const exec = executionWorkstream(plan, blob, r.config, options.concurrency);
  const agents = new Map<string, AgentAdapter>();
  for (const task of plan.tasks) {
    if (task.agent === undefined || agents.has(task.agent)) continue;
    const agent = resolveAgent(r.config, task.agent, r.repo.root, `"agent" of task ${task.id} in planning/tasks.json (agents are named in ${configFile(r.repo.root)})`);
    agent.preflight();
    agents.set(task.agent, agent);
  }
  r.store.ensureWorkstream(
    EXECUTION,
    r.config.base,
    exec.stepIds.map((id) => {
      const step = exec.stepFor(id);
      return { step_id: id, name: step?.title ?? id, role: step?.role ?? '' };
    }),
  );
  const agentFor = (step: TaskStep): AgentAdapter => (step.agent === undefined ? r.agent : (agents.get(step.agent) ?? r.agent));
  const x: Execution = { ...r, exec, agentFor, exclusive: serialiser() };
  // No record of execution (a fresh clone, a lost store): what git says is merged stays merged.
  if (!r.store.hasHistory(EXECUTION)) {
    const restored = await rebuildExecution(x);
    if (restored.length > 0) r.emit({ type: 'task-restored', tasks: restored.map((t) => t.task) });
  }
  return x;
}

/** Execution runs what planning merged: every planning phase must be done. */
function assertPlanningComplete(r: Runner): void {
  const view = phaseViews(r);
  if (!r.controller.complete(view)) fail({ reason: 'planning-incomplete', phase: r.controller.current(view), base: r.config.base });
}

