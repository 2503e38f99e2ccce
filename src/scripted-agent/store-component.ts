// A component of a plan this agent wrote for an intent it has no special module for: a small
// registry of the component's own records, kept in the data store (src/store.js), so the
// dependency on the store task is as real as the demo's.
import type { Component } from './component.js';
import { goalOf, moduleHeader, testHeader } from './component.js';
import { literal, pascal } from './source.js';

function factory(c: Component): string {
  return `create${pascal(c.name)}`;
}

export function storeComponentModule(c: Component): string {
  const title = c.task.title.replace(/^Build /, '');
  return `${moduleHeader(c)}
import { createStore } from './store.js';

/** What this component is for, as INTENT.md says it. */
export const PURPOSE = ${literal(goalOf(c) ?? title)};

/** ${title}: its records of kind ${literal(c.name)} in a store (a new one when none is given). */
export function ${factory(c)}(store = createStore()) {
  return {
    store,
    /** Adds a record; who made the change is required, as for every change in the store. */
    add(fields, by) {
      return store.add(${literal(c.name)}, fields, by);
    },
    /** The component's records, oldest first. */
    list() {
      return store.list(${literal(c.name)});
    },
    describe() {
      return ${literal(title)} + ': ' + store.list(${literal(c.name)}).length + ' record(s)';
    },
  };
}
`;
}

export function storeComponentTest(c: Component): string {
  return `${testHeader(c)}
import { ${factory(c)}, PURPOSE } from '../src/${c.name}.js';

test('records added through the component are listed back, and only its own', () => {
  const store = createStore();
  store.add('other', { n: 0 }, 'ada');
  const component = ${factory(c)}(store);
  component.add({ n: 1 }, 'ada');
  component.add({ n: 2 }, 'grace');
  assert.deepEqual(component.list().map((r) => r.n), [1, 2]);
  assert.match(component.describe(), /: 2 record\\(s\\)$/);
});

test('a change without who made it is refused', () => {
  const component = ${factory(c)}();
  assert.throws(() => component.add({ n: 1 }, ''), /who made it/);
  assert.deepEqual(component.list(), []);
  assert.ok(PURPOSE.length > 0);
});
`;
}
