// The first task of a plan this agent wrote (T-001, "Set up <project> and its data store"):
// package.json and src/store.js, the one data store every component module imports, with its
// tests. Plain JavaScript (ESM, Node 20, no dependencies), the same bytes for the same task.
import type { Artifact } from './artifacts.js';
import type { Intent } from './intent.js';
import { firstSentence, taskHeader } from './source.js';
import type { AgentTask } from './task-plan.js';
import { slug } from './text.js';

export const STORE_MODULE = 'src/store.js';
export const STORE_TEST = 'test/store.test.js';

function packageJson(intent: Intent): string {
  const pkg = {
    name: slug(intent.title),
    version: '0.1.0',
    private: true,
    description: firstSentence(intent.summary),
    type: 'module',
    scripts: { test: 'node --test' },
    engines: { node: '>=20' },
  };
  return JSON.stringify(pkg, null, 2) + '\n';
}

function storeModule(task: AgentTask, intent: Intent): string {
  return `${taskHeader(task, `${intent.title}: ${firstSentence(intent.summary)}`)}
//
// Records live in memory, keyed by id; every change is appended to the store's history with who
// made it, so any component can tell who changed what. A record read from the store is a copy:
// nobody changes the store but through it.
` + String.raw`
/** A new, empty store. */
export function createStore() {
  const records = new Map();
  const changes = [];
  let next = 1;

  function remember(action, record, fields, by) {
    changes.push({ seq: changes.length + 1, action, id: record.id, kind: record.kind, fields: Object.keys(fields).sort(), by });
  }

  return {
    /** Adds a record of a kind ("bookmark", say) and returns it with its new id. */
    add(kind, fields, by) {
      checkKind(kind);
      checkAuthor(by);
      const record = { ...structuredClone(fields), id: kind + '-' + next, kind };
      next += 1;
      records.set(record.id, record);
      remember('add', record, fields, by);
      return structuredClone(record);
    },
    /** The record with this id, or undefined. */
    get(id) {
      const record = records.get(id);
      return record === undefined ? undefined : structuredClone(record);
    },
    /** Every record of a kind (every record without one), oldest first. */
    list(kind) {
      return [...records.values()].filter((r) => kind === undefined || r.kind === kind).map((r) => structuredClone(r));
    },
    /** Changes some fields of a record; its id and kind never change. */
    update(id, fields, by) {
      checkAuthor(by);
      const record = records.get(id);
      if (record === undefined) throw new Error('no record ' + id);
      if ('id' in fields || 'kind' in fields) throw new TypeError('a record keeps its id and kind');
      Object.assign(record, structuredClone(fields));
      remember('update', record, fields, by);
      return structuredClone(record);
    },
    /** The changes of one record (of every record without an id), in the order they were made. */
    history(id) {
      return changes.filter((c) => id === undefined || c.id === id).map((c) => structuredClone(c));
    },
  };
}

/** Every change names who made it: a store refuses one that does not. */
export function checkAuthor(by) {
  if (typeof by !== 'string' || by.trim() === '') throw new TypeError('every change needs who made it (a non-empty "by")');
}

function checkKind(kind) {
  if (typeof kind !== 'string' || !/^[a-z][a-z0-9-]*$/.test(kind)) throw new TypeError('a record kind is a lower-case name, not ' + JSON.stringify(kind));
}
`;
}

function storeTest(task: AgentTask): string {
  return `${taskHeader(task)}
` + String.raw`import test from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../src/store.js';

test('a record added to the store can be read back unchanged', () => {
  const store = createStore();
  const added = store.add('note', { text: 'hello', tags: ['a', 'b'] }, 'ada');
  assert.deepEqual(store.get(added.id), { text: 'hello', tags: ['a', 'b'], id: added.id, kind: 'note' });
  assert.deepEqual(store.list('note'), [store.get(added.id)]);
  assert.deepEqual(store.list('other'), []);
});

test('every change is recorded with who made it, in order', () => {
  const store = createStore();
  const { id } = store.add('note', { text: 'draft' }, 'ada');
  store.update(id, { text: 'final' }, 'grace');
  assert.equal(store.get(id).text, 'final');
  assert.deepEqual(
    store.history(id).map((c) => [c.seq, c.action, c.fields, c.by]),
    [[1, 'add', ['text'], 'ada'], [2, 'update', ['text'], 'grace']],
  );
});

test('a change without who made it is refused, and changes nothing', () => {
  const store = createStore();
  assert.throws(() => store.add('note', { text: 'x' }, ''), /who made it/);
  const { id } = store.add('note', { text: 'x' }, 'ada');
  assert.throws(() => store.update(id, { text: 'y' }), /who made it/);
  assert.equal(store.get(id).text, 'x');
  assert.equal(store.history().length, 1);
});

test('records read from the store are copies: changing one changes nothing stored', () => {
  const store = createStore();
  const added = store.add('note', { tags: ['a'] }, 'ada');
  added.tags.push('b');
  store.get(added.id).tags.push('c');
  assert.deepEqual(store.get(added.id).tags, ['a']);
});
`;
}

/** The set-up task's files, those of its `writes` among package.json, src/store.js and its test. */
export function storeTaskFiles(task: AgentTask, intent: Intent): Artifact[] {
  const files: Artifact[] = [];
  if (task.writes.includes('package.json')) files.push({ path: 'package.json', content: packageJson(intent) });
  files.push({ path: STORE_MODULE, content: storeModule(task, intent) });
  if (task.writes.includes(STORE_TEST)) files.push({ path: STORE_TEST, content: storeTest(task) });
  return files;
}
