// Bookmark components for an intent about bookmarks (the demo's Shelf): saving one, and
// searching them by words and tag. Each module imports the data store (src/store.js, the first
// task's), so its tests pass only once that task is merged: the plan's dependency is real.
import type { Component } from './component.js';
import { moduleHeader, testHeader } from './component.js';

export function saveModule(c: Component): string {
  return `${moduleHeader(c)}
` + String.raw`import { createStore } from './store.js';

/** Saving bookmarks in a store (a new one when none is given). */
export function createBookmarks(store = createStore()) {
  return {
    store,
    /** Saves a link; saving a URL again updates its bookmark rather than adding a second one. */
    save(input, by) {
      const bookmark = normalise(input);
      const existing = store.list('bookmark').find((b) => b.url === bookmark.url);
      return existing === undefined ? store.add('bookmark', bookmark, by) : store.update(existing.id, bookmark, by);
    },
    get(id) {
      return store.get(id);
    },
  };
}

/** Tags as they are kept: trimmed, lower case, each once, sorted. */
export function normaliseTags(tags = []) {
  return [...new Set(tags.map((t) => String(t).trim().toLowerCase()).filter((t) => t !== ''))].sort();
}

function normalise({ url, title = '', tags = [], note = '', text = '' }) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    throw new TypeError('not a URL: ' + url);
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new TypeError('only http and https links can be saved: ' + url);
  return { url: parsed.href, title: title.trim() || parsed.href, tags: normaliseTags(tags), note, text };
}
`;
}

export function saveTest(c: Component): string {
  return `${testHeader(c)}
import { createBookmarks } from '../src/${c.name}.js';
` + String.raw`
test('a bookmark is saved with its title, tags and note, its tags normalised', () => {
  const bookmarks = createBookmarks(createStore());
  const saved = bookmarks.save({ url: 'https://example.com/a', title: ' Example ', tags: ['Docs', 'docs', ' web '], note: 'read later' }, 'ada');
  assert.deepEqual(bookmarks.get(saved.id), { url: 'https://example.com/a', title: 'Example', tags: ['docs', 'web'], note: 'read later', text: '', id: saved.id, kind: 'bookmark' });
});

test('saving a URL again updates its bookmark, and both saves are in its history', () => {
  const store = createStore();
  const bookmarks = createBookmarks(store);
  const first = bookmarks.save({ url: 'https://example.com/a', title: 'Old' }, 'ada');
  const second = bookmarks.save({ url: 'https://example.com/a', title: 'New' }, 'grace');
  assert.equal(second.id, first.id);
  assert.deepEqual(store.list('bookmark').map((b) => b.title), ['New']);
  assert.deepEqual(store.history(first.id).map((c) => c.by), ['ada', 'grace']);
});

test('a link that is not http or https is refused, and nothing is saved', () => {
  const bookmarks = createBookmarks();
  assert.throws(() => bookmarks.save({ url: 'javascript:alert(1)' }, 'ada'), /http and https/);
  assert.throws(() => bookmarks.save({ url: 'not a url' }, 'ada'), /not a URL/);
  assert.deepEqual(bookmarks.store.list('bookmark'), []);
});
`;
}

export function searchModule(c: Component): string {
  return `${moduleHeader(c)}
` + String.raw`import { createStore } from './store.js';

/** Searching the bookmarks of a store (a new one when none is given). */
export function createSearch(store = createStore()) {
  return {
    store,
    /**
     * Bookmarks whose title, note or page text contain every word of the query, those with
     * more of the words in their title first; with a tag, only bookmarks that have it.
     */
    search(query, { tag } = {}) {
      const wanted = [...words(query)];
      const hits = [];
      for (const bookmark of store.list('bookmark')) {
        if (tag !== undefined && !(bookmark.tags ?? []).includes(tag.trim().toLowerCase())) continue;
        const title = words(bookmark.title);
        const body = words((bookmark.note ?? '') + ' ' + (bookmark.text ?? ''));
        if (!wanted.every((w) => title.has(w) || body.has(w))) continue;
        hits.push({ bookmark, score: wanted.filter((w) => title.has(w)).length });
      }
      // A stable sort: equal scores keep the store's order (oldest first).
      return hits.sort((a, b) => b.score - a.score).map((h) => h.bookmark);
    },
  };
}

/** The words of a text, lower case, for matching. */
export function words(text) {
  return new Set(String(text ?? '').toLowerCase().split(/[^\p{L}\p{N}]+/u).filter((w) => w !== ''));
}
`;
}

export function searchTest(c: Component): string {
  return `${testHeader(c)}
import { createSearch } from '../src/${c.name}.js';
` + String.raw`
function shelf() {
  const store = createStore();
  store.add('bookmark', { url: 'https://b.example/', title: 'Cooking', tags: ['food'], note: 'a node of flavour', text: '' }, 'ada');
  store.add('bookmark', { url: 'https://a.example/', title: 'Node test runner', tags: ['node'], note: '', text: 'how to write tests' }, 'ada');
  store.add('bookmark', { url: 'https://c.example/', title: 'Gardening', tags: ['home'], note: '', text: 'soil' }, 'grace');
  return createSearch(store);
}

test('finds bookmarks by words in the title, note or page text, title matches first', () => {
  assert.deepEqual(shelf().search('node').map((b) => b.title), ['Node test runner', 'Cooking']);
  assert.deepEqual(shelf().search('write').map((b) => b.title), ['Node test runner']);
  assert.deepEqual(shelf().search('flavour').map((b) => b.title), ['Cooking']);
});

test('a bookmark matches only when it has every word of the query', () => {
  assert.deepEqual(shelf().search('node soil'), []);
  assert.deepEqual(shelf().search('SOIL').map((b) => b.url), ['https://c.example/']);
});

test('a tag keeps only the bookmarks that have it', () => {
  assert.deepEqual(shelf().search('node', { tag: 'Food' }).map((b) => b.title), ['Cooking']);
  assert.deepEqual(shelf().search('', { tag: 'home' }).map((b) => b.title), ['Gardening']);
});
`;
}
