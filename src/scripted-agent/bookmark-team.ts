// The bookmark components about people: sharing a tag with the team, and the audit trail of
// who changed which bookmark (read from the store's history, which records who made each change).
import type { Component } from './component.js';
import { moduleHeader, testHeader } from './component.js';

export function shareModule(c: Component): string {
  return `${moduleHeader(c)}
` + String.raw`import { createStore } from './store.js';

/** Sharing tags of a store (a new one when none is given) with the whole team. */
export function createSharing(store = createStore()) {
  // Whoever added a bookmark owns it: the first change in its history.
  const ownerOf = (id) => store.history(id)[0]?.by;
  const sharedTags = () => new Set(store.list('share').map((s) => s.tag));
  return {
    store,
    /** Shares a tag: everyone then sees its bookmarks. Sharing it again changes nothing. */
    share(tag, by) {
      const name = String(tag ?? '').trim().toLowerCase();
      if (name === '') throw new TypeError('a tag to share needs a name');
      return store.list('share').find((s) => s.tag === name) ?? store.add('share', { tag: name }, by);
    },
    sharedTags() {
      return [...sharedTags()].sort();
    },
    /** The bookmarks a person sees: their own, and every bookmark with a shared tag. */
    visibleTo(person) {
      const tags = sharedTags();
      return store.list('bookmark').filter((b) => ownerOf(b.id) === person || (b.tags ?? []).some((t) => tags.has(t)));
    },
  };
}
`;
}

export function shareTest(c: Component): string {
  return `${testHeader(c)}
import { createSharing } from '../src/${c.name}.js';
` + String.raw`
test("someone else's bookmark is seen only once one of its tags is shared", () => {
  const store = createStore();
  store.add('bookmark', { url: 'https://a.example/', title: 'A', tags: ['infra'] }, 'ada');
  store.add('bookmark', { url: 'https://b.example/', title: 'B', tags: ['private'] }, 'ada');
  const sharing = createSharing(store);
  assert.deepEqual(sharing.visibleTo('grace'), []);
  assert.deepEqual(sharing.visibleTo('ada').map((b) => b.title), ['A', 'B']);
  sharing.share('Infra', 'ada');
  assert.deepEqual(sharing.visibleTo('grace').map((b) => b.title), ['A']);
});

test('a share is recorded with who shared it, once however often it is shared', () => {
  const sharing = createSharing();
  const first = sharing.share('infra', 'ada');
  assert.equal(sharing.share(' INFRA ', 'grace').id, first.id);
  assert.deepEqual(sharing.sharedTags(), ['infra']);
  assert.deepEqual(sharing.store.history(first.id).map((c) => c.by), ['ada']);
});

test('a tag without a name cannot be shared', () => {
  const sharing = createSharing();
  assert.throws(() => sharing.share('  ', 'ada'), /needs a name/);
  assert.deepEqual(sharing.sharedTags(), []);
});
`;
}

export function auditModule(c: Component): string {
  return `${moduleHeader(c)}
` + String.raw`import { createStore } from './store.js';

/** The audit trail of a store (a new one when none is given): who changed which record. */
export function createAuditTrail(store = createStore()) {
  return {
    store,
    /** One line per change of a record, oldest first. */
    trail(id) {
      return store.history(id).map(describe);
    },
    /** One line per change a person made, oldest first. */
    byPerson(person) {
      return store.history().filter((c) => c.by === person).map(describe);
    },
  };
}

/** "#2 grace changed title of bookmark-1". */
export function describe(change) {
  const what = change.action === 'add' ? 'added' : 'changed ' + change.fields.join(', ') + ' of';
  return '#' + change.seq + ' ' + change.by + ' ' + what + ' ' + change.id;
}
`;
}

export function auditTest(c: Component): string {
  return `${testHeader(c)}
import { createAuditTrail } from '../src/${c.name}.js';
` + String.raw`
test("a bookmark's trail says who changed what, in order", () => {
  const store = createStore();
  const { id } = store.add('bookmark', { url: 'https://a.example/', title: 'A' }, 'ada');
  store.update(id, { title: 'B', note: 'n' }, 'grace');
  assert.deepEqual(createAuditTrail(store).trail(id), ['#1 ada added ' + id, '#2 grace changed note, title of ' + id]);
});

test("a person's changes are listed across records, and only theirs", () => {
  const store = createStore();
  const a = store.add('bookmark', { title: 'A' }, 'ada');
  const b = store.add('bookmark', { title: 'B' }, 'grace');
  store.update(a.id, { title: 'A2' }, 'grace');
  assert.deepEqual(createAuditTrail(store).byPerson('grace'), ['#2 grace added ' + b.id, '#3 grace changed title of ' + a.id]);
  assert.deepEqual(createAuditTrail(store).byPerson('nobody'), []);
});
`;
}
