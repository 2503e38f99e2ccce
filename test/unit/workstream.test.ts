import { describe, expect, it } from 'vitest';
import { loadPhaseSet } from '../../src/phases/load.js';
import { BUILTIN_PHASES_DIR } from '../../src/paths.js';
import { planningController, planningWorkstream } from '../../src/workstream/planning.js';
import { canTransition, PHASE_STATES } from '../../src/workstream/states.js';
import type { PhaseView } from '../../src/workstream/types.js';

const workstream = planningWorkstream(loadPhaseSet(BUILTIN_PHASES_DIR));
const view = (states: string[], active: number[] = []): PhaseView[] =>
  states.map((state, i) => ({ id: String(i + 1), phase: i + 1, state: state as PhaseView['state'], active: active.includes(i + 1) }));

describe('the planning workstream', () => {
  it('gates dispatch on the phase itself and advance on the next phase', () => {
    expect(workstream.stepForPhase(2)).toMatchObject({
      phase: 2,
      name: 'gap-analysis',
      role: 'analyst',
      successActions: ['commit', 'mergeToBase', 'advancePhase'],
      gates: { beforeDispatch: { kind: 'phase', phase: 2 }, beforeAdvance: { kind: 'phase', phase: 3 } },
    });
  });

  it('gates the last phase\'s advance on planning-complete', () => {
    expect(workstream.stepForPhase(4)?.gates.beforeAdvance).toEqual({ kind: 'named', name: 'planning-complete' });
    expect(workstream.gateChecks({ kind: 'named', name: 'planning-complete' })?.map((c) => c.kind)).toEqual(['tasks', 'file']);
  });

  it('names each step by its id, the phase number as text', () => {
    expect(workstream.stepIds).toEqual(['1', '2', '3', '4']);
    expect(workstream.stepFor('3')).toMatchObject({ id: '3', phase: 3, name: 'project-planning' });
    expect(workstream.stepFor('T-001')).toBeUndefined();
  });

  it('has no step for a phase it does not know', () => {
    expect(workstream.stepForPhase(5)).toBeUndefined();
    expect(workstream.gateChecks({ kind: 'named', name: 'nope' })).toBeUndefined();
  });

  it('offers only the first unfinished phase, and only when nothing is active', () => {
    const c = planningController(workstream);
    expect(c.ready(view(['pending', 'pending', 'pending', 'pending']))).toEqual(['1']);
    expect(c.ready(view(['done', 'blocked', 'pending', 'pending']))).toEqual(['2']);
    expect(c.ready(view(['done', 'running', 'pending', 'pending'], [2]))).toEqual([]);
    expect(c.ready(view(['done', 'failed', 'pending', 'pending']))).toEqual([]);
    expect(c.ready(view(['done', 'conflict', 'pending', 'pending']))).toEqual([]);
    expect(c.current(view(['done', 'done', 'pending', 'pending']))).toBe(3);
    expect(c.complete(view(['done', 'done', 'done', 'done']))).toBe(true);
    expect(c.current(view(['done', 'done', 'done', 'done']))).toBeUndefined();
  });
});

describe('phase states', () => {
  it('lets done go only back to pending (a replan), and failed only back to pending', () => {
    expect(PHASE_STATES.filter((to) => canTransition('done', to))).toEqual(['pending']);
    expect(PHASE_STATES.filter((to) => canTransition('failed', to))).toEqual(['pending']);
    expect(canTransition('pending', 'done')).toBe(false);
    expect(canTransition('blocked', 'done')).toBe(true);
  });
});
