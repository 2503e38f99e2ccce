// Migration 6 (issue 17): step ids become text and `phases` becomes `steps`, in place. A store
// written by the previous schema keeps every row, its foreign keys and its append-only
// triggers; a read-only verb reads an old store through a copy migrated in memory and leaves
// the file as it was.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb, openDbReadOnly } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { proveDecision, provenDecision } from '../../src/runner/approval-proof.js';
import { tempDir } from '../helpers/git.js';

const V5 = 5;

/** A store as the previous schema left it: planning phases 1 and 2, a run, a transition, an approval, a record, a fingerprint. */
function oldStore(): string {
  const file = join(tempDir(), 'state.db');
  const db = new Database(file);
  db.pragma('journal_mode = WAL');
  for (const sql of MIGRATIONS.slice(0, V5)) db.exec(sql);
  db.pragma(`user_version = ${V5}`);
  const at = '2026-01-01T00:00:00.000Z';
  db.prepare('INSERT INTO workstreams (name, base, current, created_at) VALUES (?, ?, ?, ?)').run('planning', 'main', 2, at);
  for (const phase of [1, 2]) db.prepare(`INSERT INTO phases (workstream, phase, name, role, state, updated_at) VALUES ('planning', ?, ?, 'architect', ?, ?)`).run(phase, `p${phase}`, phase === 1 ? 'done' : 'pending', at);
  db.prepare(`INSERT INTO runs (run_id, workstream, phase, attempt, agent, step, branch, worktree, run_dir, base_sha, dispatched_at, launch) VALUES ('R1', 'planning', 1, 1, 'scripted', 'merged', 'b', 'w', 'd', 'base', ?, 2)`).run(at);
  db.prepare(`INSERT INTO transitions (workstream, phase, run_id, from_state, to_state, reason, at) VALUES ('planning', 1, 'R1', 'running', 'done', 'merged', ?)`).run(at);
  const approval = { workstream: 'planning', step_id: '1', run_id: 'R1', decision: 'approved' as const, by: 'Ada', commit_sha: 'c', digest: 'sha256:d', at };
  // Signed as the previous schema signed it: the phase as a number.
  db.prepare(`INSERT INTO approvals (workstream, phase, run_id, decision, by, commit_sha, digest, at, proof) VALUES ('planning', 1, 'R1', 'approved', 'Ada', 'c', 'sha256:d', ?, ?)`).run(at, proveDecision(approval));
  db.prepare(`INSERT INTO records (workstream, kind, phase, by, reason, at, commit_sha, published) VALUES ('planning', 'replan', 2, 'Ada', 'why', ?, 'r', 1)`).run(at);
  db.prepare(`INSERT INTO fingerprints (run_id, taken_at, data) VALUES ('R1', ?, '{}')`).run(at);
  db.close();
  return file;
}

describe('migration 6: text step ids', () => {
  it('upgrades a store in place, keeping every row with its id as text', () => {
    const file = oldStore();
    const store = new Store(openDb(file));
    expect(store.workstream('planning')?.current).toBe('2');
    expect(store.phases('planning').map((p) => [p.step_id, p.state])).toEqual([['1', 'done'], ['2', 'pending']]);
    expect(store.run('R1')).toMatchObject({ step_id: '1', step: 'merged', launch: 2 });
    expect(store.transitions('planning').map((t) => [t.step_id, t.to_state])).toEqual([['1', 'done']]);
    expect(store.records('planning').map((r) => [r.kind, r.step_id])).toEqual([['replan', '2']]);
    const [approval] = store.approvals('planning');
    expect(approval).toMatchObject({ step_id: '1', by: 'Ada' });
    // A proof made before the migration still proves the decision.
    expect(approval !== undefined && provenDecision(approval)).toBe(true);
    expect(store.fingerprint('R1')?.data).toBe('{}');
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.prepare('SELECT typeof(step_id) AS t FROM runs').get()).toEqual({ t: 'text' });
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'phases'").get()).toBeUndefined();
    expect(db.pragma('foreign_key_check')).toEqual([]);
    db.close();
  });

  it('keeps the append-only triggers and the foreign keys', () => {
    const store = new Store(openDb(oldStore()));
    expect(() => {
      store.insertRun({ run_id: 'R2', workstream: 'planning', step_id: '9', attempt: 1, agent: 'a', branch: 'b', worktree: 'w', run_dir: 'd', base_sha: 's' });
    }).toThrow(/FOREIGN KEY/);
    const db = (store as unknown as { db: Database.Database }).db;
    expect(() => db.prepare('DELETE FROM transitions').run()).toThrow(/append-only/);
    expect(() => db.prepare('UPDATE approvals SET by = ?').run('Mallory')).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM records').run()).toThrow(/append-only/);
    store.close();
  });

  it('is read by a read-only verb through a copy migrated in memory, the file left as it was', () => {
    const file = oldStore();
    const store = new Store(openDbReadOnly(file));
    expect(store.phases('planning').map((p) => p.step_id)).toEqual(['1', '2']);
    expect(store.run('R1')?.step_id).toBe('1');
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(V5);
    expect(db.prepare("SELECT name FROM sqlite_master WHERE name = 'phases'").get()).toEqual({ name: 'phases' });
    db.close();
  });
});
