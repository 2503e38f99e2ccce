// The bookmark component that moves bookmarks in and out: the standard HTML bookmarks file
// (the Netscape format browsers import and export). Built on the data store like the others.
import type { Component } from './component.js';
import { moduleHeader, testHeader } from './component.js';

export function transferModule(c: Component): string {
  return `${moduleHeader(c)}
` + String.raw`import { createStore } from './store.js';

const HEAD = ['<!DOCTYPE NETSCAPE-Bookmark-file-1>', '<META HTTP-EQUIV="Content-Type" CONTENT="text/html; charset=UTF-8">', '<TITLE>Bookmarks</TITLE>', '<H1>Bookmarks</H1>', '<DL><p>'];

/** Importing and exporting the bookmarks of a store (a new one when none is given). */
export function createTransfer(store = createStore()) {
  return {
    store,
    /** Every bookmark as a standard HTML bookmarks file. */
    exportHtml() {
      const lines = [...HEAD];
      for (const b of store.list('bookmark')) {
        const tags = (b.tags ?? []).length > 0 ? ' TAGS="' + escape(b.tags.join(',')) + '"' : '';
        lines.push('    <DT><A HREF="' + escape(b.url) + '"' + tags + '>' + escape(b.title) + '</A>');
        if (b.note) lines.push('    <DD>' + escape(b.note));
      }
      lines.push('</DL><p>', '');
      return lines.join('\n');
    },
    /** Adds the bookmarks of an HTML bookmarks file whose URL the store does not have; returns how many. */
    importHtml(html, by) {
      const known = new Set(store.list('bookmark').map((b) => b.url));
      let added = 0;
      for (const bookmark of parse(html)) {
        if (known.has(bookmark.url)) continue;
        known.add(bookmark.url);
        store.add('bookmark', bookmark, by);
        added += 1;
      }
      return added;
    },
  };
}

function parse(html) {
  const found = [];
  for (const m of html.matchAll(/<DT><A\s+([^>]*)>([\s\S]*?)<\/A>(?:\s*<DD>([^\n<]*))?/gi)) {
    const attrs = {};
    for (const a of m[1].matchAll(/([A-Za-z_]+)="([^"]*)"/g)) attrs[a[1].toUpperCase()] = unescape(a[2]);
    if (!attrs.HREF) continue;
    const tags = attrs.TAGS ? attrs.TAGS.split(',').map((t) => t.trim()).filter((t) => t !== '') : [];
    found.push({ url: attrs.HREF, title: unescape(m[2]).trim() || attrs.HREF, tags, note: m[3] ? unescape(m[3]).trim() : '', text: '' });
  }
  return found;
}

const ENTITIES = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;' };

function escape(text) {
  return String(text).replace(/[&<>"]/g, (c) => ENTITIES[c]);
}

function unescape(text) {
  return text.replace(/&(amp|lt|gt|quot|#39);/g, (_, name) => ({ amp: '&', lt: '<', gt: '>', quot: '"', '#39': "'" })[name]);
}
`;
}

export function transferTest(c: Component): string {
  return `${testHeader(c)}
import { createTransfer } from '../src/${c.name}.js';
` + String.raw`
function withBookmarks() {
  const store = createStore();
  store.add('bookmark', { url: 'https://example.com/?a=1&b=2', title: 'Fish & <chips>', tags: ['food', 'uk'], note: 'say "hi"', text: '' }, 'ada');
  store.add('bookmark', { url: 'https://example.org/', title: 'Plain', tags: [], note: '', text: '' }, 'ada');
  return createTransfer(store);
}

test('an export imports back into an empty store as the same bookmarks', () => {
  const html = withBookmarks().exportHtml();
  const target = createTransfer(createStore());
  assert.equal(target.importHtml(html, 'grace'), 2);
  const strip = ({ url, title, tags, note }) => ({ url, title, tags, note });
  assert.deepEqual(target.store.list('bookmark').map(strip), withBookmarks().store.list('bookmark').map(strip));
});

test('an export is a standard bookmarks file with its text escaped', () => {
  const html = withBookmarks().exportHtml();
  assert.match(html, /^<!DOCTYPE NETSCAPE-Bookmark-file-1>/);
  assert.ok(html.includes('<A HREF="https://example.com/?a=1&amp;b=2" TAGS="food,uk">Fish &amp; &lt;chips&gt;</A>'));
  assert.ok(html.includes('<DD>say &quot;hi&quot;'));
});

test('importing skips bookmarks whose URL the store already has, and records who imported the rest', () => {
  const transfer = withBookmarks();
  const html = '<DL><p>\n<DT><A HREF="https://example.org/">Again</A>\n<DT><A HREF="https://new.example/" TAGS="x">New</A>\n</DL>';
  assert.equal(transfer.importHtml(html, 'grace'), 1);
  const added = transfer.store.list('bookmark').find((b) => b.url === 'https://new.example/');
  assert.deepEqual(added.tags, ['x']);
  assert.deepEqual(transfer.store.history(added.id).map((c) => c.by), ['grace']);
});
`;
}
