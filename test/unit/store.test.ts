import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { openDb } from '../../src/store/db.js';
import { MIGRATIONS } from '../../src/store/migrations.js';
import { Store } from '../../src/store/store.js';
import { ROOT, tempDir } from '../helpers/git.js';
import { spawn } from 'node:child_process';
import { phaseStep } from '../../src/workstream/step-id.js';

function freshStore(): { store: Store; file: string } {
  const file = join(tempDir(), 'nested', 'state.db');
  const store = new Store(openDb(file));
  store.ensureWorkstream('planning', 'main', [
    { step_id: phaseStep(1), name: 'one', role: 'architect' },
    { step_id: phaseStep(2), name: 'two', role: 'analyst' },
  ]);
  return { store, file };
}

describe('the store', () => {
  it('creates its directory, migrates to the latest schema, and uses WAL', () => {
    const { store, file } = freshStore();
    store.close();
    const db = new Database(file, { readonly: true });
    expect(db.pragma('user_version', { simple: true })).toBe(MIGRATIONS.length);
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal');
    db.close();
  });

  it('refuses a store written by a newer version instead of corrupting it', () => {
    const { store, file } = freshStore();
    store.close();
    const db = new Database(file);
    db.pragma(`user_version = ${MIGRATIONS.length + 1}`);
    db.close();
    expect(() => openDb(file)).toThrow(expect.objectContaining({ failure: { reason: 'store-too-new', file, version: MIGRATIONS.length + 1, known: MIGRATIONS.length } }));
  });

  it('records each transition with its previous state, and keeps existing phases on re-open', () => {
    const { store, file } = freshStore();
    store.transition('planning', phaseStep(1), null, 'running', 'dispatched', { attempts: 1, branch: 'b' });
    store.transition('planning', phaseStep(1), null, 'done', 'merged', { commit_sha: 'c', merge_sha: 'm' });
    store.close();
    const again = new Store(openDb(file));
    again.ensureWorkstream('planning', 'main', [{ step_id: phaseStep(1), name: 'one', role: 'architect' }]);
    expect(again.phase('planning', phaseStep(1))).toMatchObject({ state: 'done', attempts: 1, branch: 'b', commit_sha: 'c', merge_sha: 'm', reason: 'merged' });
    expect(again.transitions('planning').map((t) => [t.from_state, t.to_state, t.reason])).toEqual([
      ['pending', 'running', 'dispatched'],
      ['running', 'done', 'merged'],
    ]);
    again.close();
  });

  it('refuses a transition the state machine does not allow, changing nothing', () => {
    const { store } = freshStore();
    expect(() => { store.transition('planning', phaseStep(1), null, 'done', 'skip ahead'); }).toThrow(/illegal transition for step 1: pending -> done/);
    expect(store.phase('planning', phaseStep(1))?.state).toBe('pending');
    expect(store.transitions('planning')).toEqual([]);
  });

  it('keeps transitions append-only, even against direct SQL', () => {
    const { store, file } = freshStore();
    store.transition('planning', phaseStep(1), null, 'running', 'dispatched');
    store.close();
    const db = new Database(file);
    expect(() => db.prepare("UPDATE transitions SET reason = 'rewritten'").run()).toThrow(/append-only/);
    expect(() => db.prepare('DELETE FROM transitions').run()).toThrow(/append-only/);
    db.close();
  });

  it('rolls back a composite write that fails half-way', () => {
    const { store } = freshStore();
    expect(() =>
      store.write(() => {
        store.transition('planning', phaseStep(1), null, 'running', 'dispatched');
        throw new Error('crash between two writes');
      }),
    ).toThrow('crash between two writes');
    expect(store.phase('planning', phaseStep(1))?.state).toBe('pending');
    expect(store.transitions('planning')).toEqual([]);
  });

  it('makes a writer wait for another process\'s write transaction instead of failing', async () => {
    const { store, file } = freshStore();
    // Another process takes the write lock, holds it for 700 ms, then commits.
    const holder = spawn(
      process.execPath,
      ['--input-type=module', '-e', `
        import Database from 'better-sqlite3';
        const db = new Database(${JSON.stringify(file)});
        db.exec('BEGIN IMMEDIATE');
        db.prepare("UPDATE workstreams SET base = 'held'").run();
        process.stdout.write('locked\\n');
        Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 700);
        db.exec('COMMIT');
      `],
      { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve) => holder.stdout.once('data', () => { resolve(); }));
    // The lock is held now: without BEGIN IMMEDIATE plus a busy timeout this throws SQLITE_BUSY.
    store.transition('planning', phaseStep(1), null, 'running', 'dispatched');
    await new Promise((resolve) => holder.once('close', resolve));
    expect(store.workstream('planning')?.base).toBe('held');
    expect(store.phase('planning', phaseStep(1))?.state).toBe('running');
    store.close();
  });

  it('stores gate results with every check, newest last', () => {
    const { store } = freshStore();
    store.recordGate({ workstream: 'planning', step_id: phaseStep(1), run_id: null, target: 'phase-1', moment: 'beforeDispatch', ok: false, checks: [{ kind: 'file', subject: 'INTENT.md', ok: false, message: 'INTENT.md is missing.' }] });
    store.recordGate({ workstream: 'planning', step_id: phaseStep(1), run_id: null, target: 'phase-1', moment: 'beforeDispatch', ok: true, checks: [] });
    expect(store.lastGate('planning', phaseStep(1))).toMatchObject({ ok: true, target: 'phase-1' });
    expect(store.gates('planning')[0]?.checks[0]).toMatchObject({ message: 'INTENT.md is missing.' });
  });
});
