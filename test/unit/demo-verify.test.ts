// The demo's claim "these tasks ran in parallel" comes from the store's runs: the moment most
// of them were in flight, each from its dispatch to its end.
import { describe, expect, it } from 'vitest';
import { mostTogether } from '../../src/demo/verify.js';

const at = (s: number): string => new Date(Date.UTC(2026, 0, 1, 0, 0, s)).toISOString();
const run = (step_id: string, from: number, to: number | null) => ({ step_id, dispatched_at: at(from), finished_at: to === null ? null : at(to) });
const ORDER = ['T-001', 'T-002', 'T-003', 'T-004'];

describe('mostTogether', () => {
  it('finds the largest set of runs in flight at one moment, in plan order', () => {
    const runs = [run('T-001', 0, 5), run('T-004', 6, 9), run('T-002', 6, 10), run('T-003', 7, 8)];
    expect(mostTogether(runs, ORDER)).toEqual({ most: 3, together: ['T-002', 'T-003', 'T-004'] });
  });

  it('does not count runs that only touch (one ends as the next starts) or a task twice', () => {
    const runs = [run('T-001', 0, 5), run('T-002', 5, 8), run('T-002', 8, 9)];
    expect(mostTogether(runs, ORDER)).toEqual({ most: 1, together: ['T-001'] });
  });

  it('counts a run not finished yet as in flight at its dispatch only', () => {
    expect(mostTogether([run('T-001', 0, null)], ORDER)).toEqual({ most: 0, together: [] });
    expect(mostTogether([], ORDER)).toEqual({ most: 0, together: [] });
  });
});
