// What the execution runner works with: the engine's runner (repository, config, store, lock,
// events) and the execution workstream of the plan on the base. The planning workstream in
// the runner is only read (planning must be complete); every store write here names the
// execution workstream.
import { join } from 'node:path';
import type { AgentAdapter } from '../agents/types.js';
import type { Runner } from '../runner/context.js';
import type { ExecutionWorkstream, TaskStep } from '../workstream/execution.js';
import type { StepId } from '../workstream/step-id.js';

export interface Execution extends Runner {
  readonly exec: ExecutionWorkstream;
  /** The agent a task's attempts run under: the task's `agent`, else the config's. */
  readonly agentFor: (step: TaskStep) => AgentAdapter;
  /**
   * Runs `fn` alone among the runner's other work that passes through here: a ref the runner
   * moves and its record in the agents' fingerprints, a fingerprint taken, an attempt's
   * containment checked. The merge queue publishes in the background while the loop collects
   * and dispatches; without this, an agent could be judged between the base moving and that
   * move being recorded as the runner's.
   */
  readonly exclusive: <T>(fn: () => Promise<T>) => Promise<T>;
}

/** A lock for async work: each call runs after the one before has settled. */
export function serialiser(): <T>(fn: () => Promise<T>) => Promise<T> {
  let tail: Promise<unknown> = Promise.resolve();
  return <T>(fn: () => Promise<T>): Promise<T> => {
    const run = tail.then(fn, fn);
    tail = run.catch(() => undefined);
    return run;
  };
}

/** A task's checkout: beside the phases' worktrees, named by its id (a checked ref component). */
export function taskWorktree(x: Pick<Execution, 'state'>, id: StepId): string {
  return join(x.state.worktrees, `execution-${id}`);
}

/**
 * Where merged tasks' checkouts wait to be deleted (discardWorktree). A leading dot: no task's
 * checkout (`execution-<id>`) or phase's can be named so.
 */
export function trashRoot(x: Pick<Execution, 'state'>): string {
  return join(x.state.worktrees, '.trash');
}

/** Where the merge queue checks out its candidates, each in a directory of its own. */
export function integrationRoot(x: Pick<Execution, 'state'>): string {
  return join(x.state.worktrees, 'execution-integration');
}
