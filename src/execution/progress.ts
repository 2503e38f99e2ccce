// Whether the execution workstream can go on without a human, for `run --wait` (which keeps
// going while it can) and for status (which says who waits on what). Something can progress
// when a task is in flight (an agent, its checks or the merge queue is at it: the runner moves
// it on by itself) or a task can be dispatched now. Otherwise nothing will change until a human
// acts, and the report names each task a human must act on and the tasks it holds up.
import { globsMayOverlap } from './globs-overlap.js';
import { nextToDispatch, readyTasks } from './next-to-dispatch.js';
import { planGraph, transitiveDependents } from './plan-graph.js';
import { progressOf, type DispatchOptions, type SchedulerState } from './schedule-types.js';
import { holdsClaim, inFlight, type TaskState } from './task-states.js';

/**
 * What a human does for the task: `approve` (or reject) its verified work; `resolve` its
 * conflict with the base (by hand, or a new attempt from the base); `retry` a failed task (its
 * attempts are used up, its failure needs a look, or retries are manual).
 */
export type HumanAction = 'approve' | 'resolve' | 'retry';

export interface HumanWait {
  /** The task a human must act on. */
  readonly task: string;
  readonly state: 'awaiting_approval' | 'conflict' | 'failed';
  readonly action: HumanAction;
  /**
   * The tasks it holds up, plan order: those that depend on it, directly or not, and, while it
   * holds its `writes` claim, the ready tasks whose writes may overlap it.
   */
  readonly waiting: readonly string[];
}

export interface ProgressReport {
  /** Something can go on without a human: `run --wait` keeps going. */
  readonly possible: boolean;
  /** Every task is merged. */
  readonly done: boolean;
  /** Every task a human must act on, plan order (whether or not others can still progress). */
  readonly waits: readonly HumanWait[];
  /**
   * When nothing can progress: the tasks not merged that wait on no human either. Only a plan
   * the loader refuses (a dependency on an unknown task, a cycle) or a concurrency below 1
   * leaves any; empty otherwise, and always empty while something can progress.
   */
  readonly stuck: readonly string[];
}

export function progressPossible(state: SchedulerState, options: DispatchOptions): ProgressReport {
  const graph = planGraph(state.tasks);
  const retry = options.retry ?? 'auto';
  const waits: HumanWait[] = [];
  let ready: string[] | undefined;
  for (const task of state.tasks) {
    const progress = progressOf(state, task.id);
    const wait = humanWait(progress.state, progress.failedForGood === true || retry === 'manual');
    if (wait === undefined) continue;
    const waiting = new Set(transitiveDependents(graph, [task.id]));
    if (holdsClaim(progress.state)) {
      ready ??= readyTasks(state, options);
      for (const id of ready) {
        const other = graph.byId.get(id);
        if (other !== undefined && globsMayOverlap(task.writes, other.writes)) waiting.add(id);
      }
    }
    const inPlanOrder = [...waiting].sort((a, b) => (graph.order.get(a) ?? 0) - (graph.order.get(b) ?? 0));
    waits.push({ task: task.id, ...wait, waiting: inPlanOrder });
  }
  const unmerged = state.tasks.filter((task) => progressOf(state, task.id).state !== 'merged').map((task) => task.id);
  const possible =
    unmerged.some((id) => inFlight(progressOf(state, id).state)) || nextToDispatch(state, options).length > 0;
  const accounted = new Set(waits.flatMap((w) => [w.task, ...w.waiting]));
  const stuck = possible ? [] : unmerged.filter((id) => !accounted.has(id));
  return { possible, done: unmerged.length === 0, waits, stuck };
}

function humanWait(
  state: TaskState,
  failedWaitsForHuman: boolean,
): Pick<HumanWait, 'state' | 'action'> | undefined {
  if (state === 'awaiting_approval') return { state, action: 'approve' };
  if (state === 'conflict') return { state, action: 'resolve' };
  if (state === 'failed' && failedWaitsForHuman) return { state, action: 'retry' };
  return undefined;
}
