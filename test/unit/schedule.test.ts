import { describe, expect, it } from 'vitest';
import {
  blockedBy,
  nextToDispatch,
  progressPossible,
  remainingChains,
  type ScheduledTask,
  type SchedulerState,
  type TaskProgress,
  type TaskState,
} from '../../src/execution/schedule.js';

const task = (id: string, depends_on: string[] = [], writes: string[] = [`src/${id}/**`]): ScheduledTask => ({ id, depends_on, writes });

type Given = TaskState | { readonly state: TaskState; readonly attempts?: number; readonly failedForGood?: boolean };

/** A scheduler state: tasks in plan order, and the states of those not pending with no attempt. */
function at(tasks: readonly ScheduledTask[], given: Readonly<Record<string, Given>> = {}): SchedulerState {
  const progress = new Map<string, TaskProgress>();
  for (const [id, g] of Object.entries(given)) {
    const p = typeof g === 'string' ? { state: g } : g;
    const started = p.state !== 'pending' && p.state !== 'blocked';
    progress.set(id, {
      state: p.state,
      attempts: p.attempts ?? (started ? 1 : 0),
      ...(p.failedForGood === undefined ? {} : { failedForGood: p.failedForGood }),
    });
  }
  return { tasks, progress };
}

describe('nextToDispatch: readiness', () => {
  const plan = [task('A'), task('B', ['A']), task('C', ['B'])];

  it('starts a task only once every dependency is merged, not merely done or queued', () => {
    expect(nextToDispatch(at(plan), { concurrency: 4 })).toEqual(['A']);
    for (const s of ['running', 'verifying', 'queued', 'integrating', 'awaiting_approval', 'failed', 'conflict'] as const) {
      expect(nextToDispatch(at(plan, { A: s }), { concurrency: 4 }), s).toEqual(s === 'failed' ? ['A'] : []);
    }
    expect(nextToDispatch(at(plan, { A: 'merged' }), { concurrency: 4 })).toEqual(['B']);
    expect(nextToDispatch(at(plan, { A: 'merged', B: 'merged' }), { concurrency: 4 })).toEqual(['C']);
  });

  it('needs every dependency, and never starts a task that depends on an unknown one', () => {
    const two = [task('A'), task('B'), task('C', ['A', 'B', 'A']), task('D', ['nope'])];
    expect(nextToDispatch(at(two, { A: 'merged', B: 'running' }), { concurrency: 4 })).toEqual([]);
    expect(nextToDispatch(at(two, { A: 'merged', B: 'merged' }), { concurrency: 4 })).toEqual(['C']);
  });

  it('dispatches nothing that is already started, merged, blocked or waiting on a human', () => {
    const solo = [task('A')];
    for (const s of ['running', 'verifying', 'queued', 'integrating', 'awaiting_approval', 'merged', 'blocked', 'conflict'] as const) {
      expect(nextToDispatch(at(solo, { A: s }), { concurrency: 4 }), s).toEqual([]);
    }
  });

  it('retries a failed task by itself under the auto policy, only by a human under manual, never when failed for good', () => {
    const solo = [task('A')];
    const failed = at(solo, { A: { state: 'failed', attempts: 1 } });
    expect(nextToDispatch(failed, { concurrency: 1 })).toEqual(['A']);
    expect(nextToDispatch(failed, { concurrency: 1, retry: 'auto' })).toEqual(['A']);
    expect(nextToDispatch(failed, { concurrency: 1, retry: 'manual' })).toEqual([]);
    const forGood = at(solo, { A: { state: 'failed', attempts: 3, failedForGood: true } });
    expect(nextToDispatch(forGood, { concurrency: 1 })).toEqual([]);
  });
});

describe('nextToDispatch: concurrency', () => {
  const five = ['A', 'B', 'C', 'D', 'E'].map((id) => task(id));

  it('fills the free slots and no more', () => {
    expect(nextToDispatch(at(five), { concurrency: 2 })).toEqual(['A', 'B']);
    expect(nextToDispatch(at(five), { concurrency: 10 })).toEqual(['A', 'B', 'C', 'D', 'E']);
    expect(nextToDispatch(at(five, { A: 'running' }), { concurrency: 2 })).toEqual(['B']);
    expect(nextToDispatch(at(five, { A: 'running', B: 'verifying' }), { concurrency: 2 })).toEqual([]);
    expect(nextToDispatch(at(five), { concurrency: 0 })).toEqual([]);
  });

  it('gives no slot to a task in the merge queue or awaiting approval', () => {
    const s = at(five, { A: 'queued', B: 'integrating', C: 'awaiting_approval' });
    expect(nextToDispatch(s, { concurrency: 2 })).toEqual(['D', 'E']);
  });
});

describe('nextToDispatch: writes claims', () => {
  it('never starts a task whose writes may overlap a claim held from dispatch until merged', () => {
    const plan = [task('A', [], ['src/**']), task('B', [], ['src/b.ts']), task('C', [], ['test/c.test.ts'])];
    for (const s of ['running', 'verifying', 'queued', 'integrating', 'awaiting_approval'] as const) {
      expect(nextToDispatch(at(plan, { A: s }), { concurrency: 4 }), s).toEqual(['C']);
    }
    // Merged, failed or in conflict: the claim is released (the next attempt starts from the base).
    expect(nextToDispatch(at(plan, { A: 'merged' }), { concurrency: 4 })).toEqual(['B', 'C']);
    expect(nextToDispatch(at(plan, { A: { state: 'failed', failedForGood: true } }), { concurrency: 4 })).toEqual(['B', 'C']);
    expect(nextToDispatch(at(plan, { A: 'conflict' }), { concurrency: 4 })).toEqual(['B', 'C']);
  });

  it('holds the claims of the tasks it chooses against the next ones in the same round', () => {
    const plan = [task('A', [], ['src/a/**']), task('B', [], ['src/*/x.ts']), task('C', [], ['docs/**']), task('D', [], ['src/a/y.ts'])];
    expect(nextToDispatch(at(plan), { concurrency: 4 })).toEqual(['A', 'C']);
    expect(nextToDispatch(at(plan, { A: 'merged' }), { concurrency: 4 })).toEqual(['B', 'C', 'D']);
  });

  it('passes over a task whose claim collides and gives the slot to the next, not leaving it idle', () => {
    const plan = [task('A', [], ['lib/**']), task('B', [], ['lib/b.js']), task('C', [], ['bin/c.js'])];
    expect(nextToDispatch(at(plan, { A: 'running' }), { concurrency: 2 })).toEqual(['C']);
  });

  it('lets tasks with no writes run beside anything', () => {
    const plan = [task('A', [], ['**']), task('B', [], [])];
    expect(nextToDispatch(at(plan, { A: 'running' }), { concurrency: 2 })).toEqual(['B']);
  });

  it('runs version-1 tasks (writes default to everything) one at a time', () => {
    const plan = ['A', 'B', 'C'].map((id) => task(id, [], ['**']));
    expect(nextToDispatch(at(plan), { concurrency: 3 })).toEqual(['A']);
    expect(nextToDispatch(at(plan, { A: 'queued' }), { concurrency: 3 })).toEqual([]);
  });
});

describe('nextToDispatch: closest to done first, then plan order', () => {
  // Plan order: L (a leaf), H (heads H -> H2 -> H3), R (a leaf that has spent an attempt).
  const plan = [task('L'), task('H'), task('H2', ['H']), task('H3', ['H2']), task('R')];

  it('puts a retry first, then the longest chain of work it unlocks, then plan order', () => {
    const s = at(plan, { R: { state: 'failed', attempts: 1 } });
    expect(nextToDispatch(s, { concurrency: 3 })).toEqual(['R', 'H', 'L']);
    expect(nextToDispatch(s, { concurrency: 1 })).toEqual(['R']);
    expect(nextToDispatch(at(plan), { concurrency: 1 })).toEqual(['H']);
    expect(nextToDispatch(at(plan), { concurrency: 3 })).toEqual(['H', 'L', 'R']);
  });

  it('counts a pending task sent back by a human as a retry too', () => {
    expect(nextToDispatch(at(plan, { L: { state: 'pending', attempts: 2 } }), { concurrency: 1 })).toEqual(['L']);
  });

  it('measures a chain by tasks that can still run: not through blocked ones', () => {
    // X heads X -> Y -> Z, but Y also needs F, failed for good: Y and Z are blocked, X is a leaf now.
    const chains = [task('F'), task('W'), task('W2', ['W']), task('X'), task('Y', ['X', 'F']), task('Z', ['Y'])];
    const s = at(chains, { F: { state: 'failed', failedForGood: true }, Y: 'blocked', Z: 'blocked' });
    expect(remainingChains(s).get('X')).toBe(1);
    expect(remainingChains(s).get('W')).toBe(2);
    expect(nextToDispatch(s, { concurrency: 1 })).toEqual(['W']);
    // F retried: Y and Z count again, X heads the longest chain.
    const retried = at(chains, { F: { state: 'pending', attempts: 3 } });
    expect(remainingChains(retried).get('X')).toBe(3);
    expect(nextToDispatch(retried, { concurrency: 2 })).toEqual(['F', 'X']);
  });
});

describe('blockedBy', () => {
  // A -> B -> C, A -> D, and E -> F independent of A.
  const plan = [task('A'), task('B', ['A']), task('C', ['B']), task('D', ['A']), task('E'), task('F', ['E'])];

  it('blocks every transitive dependent of a task failed for good, naming it, and nothing else', () => {
    const s = at(plan, { A: { state: 'failed', failedForGood: true }, E: 'merged' });
    const changes = blockedBy(s);
    expect(changes.block).toEqual([
      { id: 'B', causes: ['A'] },
      { id: 'C', causes: ['A'] },
      { id: 'D', causes: ['A'] },
    ]);
    expect(changes.unblock).toEqual([]);
    expect(nextToDispatch(s, { concurrency: 2 })).toEqual(['F']);
  });

  it('does not block the dependents of a task that failed but will be retried', () => {
    expect(blockedBy(at(plan, { A: { state: 'failed', attempts: 1 } })).block).toEqual([]);
  });

  it('blocks the dependents of a task in conflict: it waits on a human', () => {
    expect(blockedBy(at(plan, { A: 'conflict' })).block.map((b) => b.id)).toEqual(['B', 'C', 'D']);
  });

  it('names the root causes, every one, not the blocked tasks in between', () => {
    // A diamond under two failures: Q needs O and P; O needs M (failed), P needs N (failed).
    const diamond = [task('M'), task('N'), task('O', ['M']), task('P', ['N']), task('Q', ['O', 'P'])];
    const s = at(diamond, {
      M: { state: 'failed', failedForGood: true },
      N: { state: 'failed', failedForGood: true },
      O: 'blocked',
    });
    const changes = blockedBy(s);
    expect(changes.block).toEqual([
      { id: 'P', causes: ['N'] },
      { id: 'Q', causes: ['M', 'N'] },
    ]);
    expect(changes.causes.get('O')).toEqual(['M']);
  });

  it('gives a blocked task back to pending once its cause is retried, and keeps it blocked while a cause remains', () => {
    const blocked = { B: 'blocked', C: 'blocked', D: 'blocked' } as const;
    const retried = blockedBy(at(plan, { A: { state: 'pending', attempts: 3 }, ...blocked }));
    expect(retried.unblock).toEqual(['B', 'C', 'D']);
    expect(retried.block).toEqual([]);
    expect(retried.causes.size).toBe(0);
    const still = blockedBy(at(plan, { A: { state: 'failed', failedForGood: true }, ...blocked }));
    expect(still.unblock).toEqual([]);
    expect(still.block).toEqual([]);
    expect(still.causes.get('C')).toEqual(['A']);
  });

  it('ends on a cyclic plan (which the loader refuses) instead of recursing forever', () => {
    const cyclic = [task('A', ['B']), task('B', ['A']), task('C', ['A'])];
    expect(blockedBy(at(cyclic)).block).toEqual([]);
    expect(nextToDispatch(at(cyclic), { concurrency: 2 })).toEqual([]);
  });
});

describe('progressPossible', () => {
  const plan = [task('A'), task('B', ['A']), task('C', ['B']), task('E'), task('F', ['E'])];
  const options = { concurrency: 2 } as const;

  it('is done when every task is merged, and nothing waits', () => {
    const all = Object.fromEntries(plan.map((t) => [t.id, 'merged' as const]));
    expect(progressPossible(at(plan, all), options)).toEqual({ possible: false, done: true, waits: [], stuck: [] });
  });

  it('goes on while a task is in flight or can be dispatched, the merge queue included', () => {
    expect(progressPossible(at(plan), options).possible).toBe(true);
    for (const s of ['running', 'verifying', 'queued', 'integrating'] as const) {
      const others = { E: 'merged', F: 'merged' } as const;
      expect(progressPossible(at(plan, { A: s, ...others }), options).possible, s).toBe(true);
    }
  });

  it('stops when what is left waits on a human, naming the task, the action and who waits', () => {
    const s = at(plan, { A: { state: 'failed', failedForGood: true }, B: 'blocked', C: 'blocked', E: 'merged', F: 'merged' });
    expect(progressPossible(s, options)).toEqual({
      possible: false,
      done: false,
      waits: [{ task: 'A', state: 'failed', action: 'retry', waiting: ['B', 'C'] }],
      stuck: [],
    });
  });

  it('lists the waits while independent tasks still progress', () => {
    const s = at(plan, { A: 'conflict', B: 'blocked', C: 'blocked', E: 'running' });
    const report = progressPossible(s, options);
    expect(report.possible).toBe(true);
    expect(report.waits).toEqual([{ task: 'A', state: 'conflict', action: 'resolve', waiting: ['B', 'C'] }]);
  });

  it('goes on through an automatic retry, and waits for a human under the manual policy', () => {
    const s = at(plan, { A: { state: 'failed', attempts: 1 }, E: 'merged', F: 'merged' });
    expect(progressPossible(s, { concurrency: 2, retry: 'auto' }).possible).toBe(true);
    const manual = progressPossible(s, { concurrency: 2, retry: 'manual' });
    expect(manual.possible).toBe(false);
    expect(manual.waits).toEqual([{ task: 'A', state: 'failed', action: 'retry', waiting: ['B', 'C'] }]);
  });

  it('counts the tasks a claim awaiting approval holds back as waiting on that approval', () => {
    const claimed = [task('A', [], ['src/**']), task('B', ['A']), task('G', [], ['src/g.ts'])];
    const report = progressPossible(at(claimed, { A: 'awaiting_approval' }), options);
    expect(report).toEqual({
      possible: false,
      done: false,
      waits: [{ task: 'A', state: 'awaiting_approval', action: 'approve', waiting: ['B', 'G'] }],
      stuck: [],
    });
  });

  it('reports as stuck what waits on no human and can never start', () => {
    const broken = [task('A'), task('B', ['missing'])];
    expect(progressPossible(at(broken, { A: 'merged' }), options)).toEqual({ possible: false, done: false, waits: [], stuck: ['B'] });
    expect(progressPossible(at([task('A')]), { concurrency: 0 }).stuck).toEqual(['A']);
  });
});
