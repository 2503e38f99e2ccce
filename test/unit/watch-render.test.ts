// The terminal frame of `status --watch` fits the width it is given: the status table leaves
// out columns, least useful first, and long lines wrap without losing a word.
import { describe, expect, it } from 'vitest';
import { wrap } from '../../src/cli/render/watch.js';
import { statusLines } from '../../src/cli/render/status.js';
import type { PhaseStatus, StatusView } from '../../src/runner/status.js';

function phase(n: number, name: string, extra: Partial<PhaseStatus> = {}): PhaseStatus {
  return {
    phase: n,
    name,
    title: name,
    role: 'architect',
    state: 'done',
    attempts: 1,
    max_attempts: 3,
    branch: `phaserunner/planning/${n}-${name}`,
    commit: 'a'.repeat(40),
    merge: 'b'.repeat(40),
    run_id: null,
    reason: null,
    run_dir: null,
    last_gate: { target: 'planning-complete', moment: 'beforeDispatch', ok: true, at: '2026-01-01T00:00:00.000Z', failures: [], checks: [] },
    needs_approval: false,
    approval: null,
    usage: null,
    ...extra,
  };
}

const view: StatusView = {
  workstream: 'planning',
  base: 'main',
  current: 4,
  complete: false,
  configured: true,
  phases: [
    phase(1, 'architecture-baseline'),
    phase(2, 'gap-analysis', { usage: { tokens_in: 12_000, tokens_out: 800, cost_usd: 0.5 } }),
    phase(4, 'task-planning', { state: 'awaiting_approval', merge: null, needs_approval: true, approval: { decision: 'approved', by: 'Ada Lovelace', at: '', note: null, commit: '', digest: '' } }),
  ],
  next: 'Phase 4 (task-planning) awaits approval. Review it with `git diff main...phaserunner/planning/4-task-planning`, then `phaserunner approve 4 --by "Your Name"` merges it.',
};

describe('the status table at a given width', () => {
  it('is the full table without a width, and the same when it fits', () => {
    const full = statusLines(view);
    expect(full.find((l) => l.startsWith('#'))).toMatch(/^#\s+phase\s+role\s+state\s+attempts\s+commit\s+merge\s+approval\s+last gate\s+usage$/);
    expect(statusLines(view, 500)).toEqual(full);
  });

  it('leaves out commit, then merge, then role... until the table fits 80 columns', () => {
    const lines = statusLines(view, 80);
    const table = lines.filter((l) => /^[#\d] /.test(l));
    for (const line of table) expect(line.length).toBeLessThanOrEqual(80);
    const header = table[0] ?? '';
    expect(header).not.toContain('commit');
    expect(header).not.toContain('merge');
    expect(header).toMatch(/^#\s+phase\s+.*state\s+.*last gate/);
    // What a column left out would have said is not lost from what stays.
    expect(table.find((l) => l.startsWith('4 '))).toMatch(/awaiting_approval/);
  });
});

describe('wrap', () => {
  it('keeps every line within the width and every word, breaking only what has no space', () => {
    const lines = [
      view.next,
      `  run files: /${'very-long-directory/'.repeat(8)}01M8XATN91VR0YS18V3AFGN4AY`,
      'short',
      ' '.repeat(30) + 'x'.repeat(100),
    ];
    for (const width of [20, 40, 79]) {
      for (const line of lines) {
        const wrapped = wrap(line, width);
        for (const part of wrapped) expect(part.length).toBeLessThanOrEqual(width);
        expect(wrapped.join('').replace(/\s+/g, '')).toBe(line.replace(/\s+/g, ''));
      }
    }
    expect(wrap('short', 20)).toEqual(['short']);
  });
});
