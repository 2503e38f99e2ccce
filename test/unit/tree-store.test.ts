// The audit's object access on a real repository: synchronous checks settled in rounds of
// cat-file requests, trees walked by id, bounded caches.
import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { quoteList } from '../../src/audit/format.js';
import { TreeFiles } from '../../src/audit/tree-files.js';
import { TreeStore } from '../../src/audit/tree-store.js';
import { ObjectReader } from '../../src/git/objects.js';
import { BoundedCache } from '../../src/util/bounded-cache.js';
import { emptyRepo, git } from '../helpers/git.js';

const readers: ObjectReader[] = [];
afterEach(async () => {
  await Promise.all(readers.splice(0).map((r) => r.close()));
});

/** A repository with one commit holding `files`; returns it and a store over it. */
function repoWith(files: Record<string, string>): { repo: string; store: TreeStore; files: TreeFiles } {
  const repo = emptyRepo();
  for (const [path, text] of Object.entries(files)) {
    mkdirSync(join(repo, path, '..'), { recursive: true });
    writeFileSync(join(repo, path), text);
  }
  git(repo, 'add', '-A');
  git(repo, 'commit', '--quiet', '-m', 'files');
  const reader = new ObjectReader(repo);
  readers.push(reader);
  const store = new TreeStore(reader);
  return { repo, store, files: new TreeFiles(store) };
}

describe('TreeStore', () => {
  it('runs synchronous checks to completion, fetching what they stopped at between rounds', async () => {
    const { store, files } = repoWith({ 'a/b/c.md': 'deep\n', 'a/x.md': 'x\n', 'top.md': 'top\n' });
    let runs = 0;
    const [deep, missing, listed] = await store.settle<unknown>([
      () => {
        runs++;
        const entry = files.entry('HEAD^{tree}', 'a/b/c.md');
        return entry === undefined ? undefined : store.text(entry.oid);
      },
      () => files.entry('HEAD^{tree}', 'a/nope.md'),
      () => files.filesAt('HEAD^{tree}', ['a/**/*.md']).map((f) => f.path),
    ]);
    expect(deep).toBe('deep\n');
    expect(missing).toBeUndefined();
    expect(listed).toEqual(['a/b/c.md', 'a/x.md']);
    // Root, a, a/b, then the blob: each level is one more round, and nothing runs after it finished.
    expect(runs).toBe(5);
  });

  it('answers undefined for objects git does not have, without asking again', async () => {
    const { store } = repoWith({ 'f.md': 'f\n' });
    const [tree, text] = await store.settle<unknown>([() => store.tree('0'.repeat(40)), () => store.text('1'.repeat(40))]);
    expect(tree).toBeUndefined();
    expect(text).toBeUndefined();
    // Known to be missing now: a synchronous call answers without a round.
    expect(store.tree('0'.repeat(40))).toBeUndefined();
  });

  it('finishes a check that needs two texts too large to cache (no endless refetching)', async () => {
    const big = 'x'.repeat((1 << 20) + 10);
    const { store, files } = repoWith({ 'one.txt': `1${big}`, 'two.txt': `2${big}` });
    const source = files.source('HEAD^{tree}');
    const [lengths] = await store.settle([() => [source.read('one.txt')?.length, source.read('two.txt')?.length]]);
    expect(lengths).toEqual([big.length + 1, big.length + 1]);
  });

  it('passes on errors that are not a missing object, and refuses to run twice at once', async () => {
    const { store } = repoWith({ 'f.md': 'f\n' });
    await expect(
      store.settle([
        () => {
          throw new RangeError('a bug in a check');
        },
      ]),
    ).rejects.toThrow(RangeError);
    const first = store.settle([() => store.tree('HEAD^{tree}')]);
    await expect(store.settle([() => 1])).rejects.toThrow(/already running/);
    expect((await first)[0]?.entries.map((e) => e.name)).toEqual(['f.md']);
  });

  it('lists paths changed outside a matcher, descending only where trees differ, up to a limit', async () => {
    const { repo, store, files } = repoWith({ 'planning/a.md': 'a\n', 'src/keep.js': 'k\n' });
    const before = git(repo, 'rev-parse', 'HEAD');
    for (let i = 0; i < 5; i++) writeFileSync(join(repo, 'src', `new${i}.js`), `${i}\n`);
    mkdirSync(join(repo, 'vendor/lib'), { recursive: true });
    writeFileSync(join(repo, 'vendor/lib/x.js'), 'x\n');
    writeFileSync(join(repo, 'planning/a.md'), 'changed\n');
    git(repo, 'add', '-A');
    git(repo, 'commit', '--quiet', '-m', 'more');
    const inside = (path: string): boolean => path.startsWith('planning/');
    const [all, capped] = await store.settle([
      () => files.changedOutside(`${before}^{tree}`, 'HEAD^{tree}', inside, 100),
      () => files.changedOutside(`${before}^{tree}`, 'HEAD^{tree}', inside, 3),
    ]);
    expect([...(all?.paths ?? [])].sort()).toEqual(['src/new0.js', 'src/new1.js', 'src/new2.js', 'src/new3.js', 'src/new4.js', 'vendor/lib/x.js']);
    expect(all?.more).toBe(false);
    expect(capped?.paths).toHaveLength(3);
    expect(capped?.more).toBe(true);
  });
});

describe('TreeFiles on wide and huge trees', () => {
  it('reads a wide tree a level per round, not a directory per round', async () => {
    const files: Record<string, string> = {};
    for (let i = 0; i < 300; i++) files[`docs/d${i}/e/f.md`] = `${i}\n`;
    const { store, files: tree } = repoWith(files);
    let runs = 0;
    const [listed] = await store.settle([
      () => {
        runs++;
        return tree.filesAt('HEAD^{tree}', ['docs/**/*.md']).length;
      },
    ]);
    expect(listed).toBe(300);
    // root, docs, the 300 d*, the 300 e: four rounds, then the run that finishes.
    expect(runs).toBeLessThanOrEqual(5);
  });

  it('lists a directory of 200,000 files without overflowing the stack', async () => {
    const { repo, store, files } = repoWith({ 'x.md': 'x\n' });
    const blob = git(repo, 'rev-parse', 'HEAD:x.md');
    const mktree = (input: string): string => execFileSync('git', ['mktree'], { cwd: repo, encoding: 'utf8', input }).trim();
    const big = mktree(Array.from({ length: 200_000 }, (_, i) => `100644 blob ${blob}\tf${i}.md\n`).join(''));
    // A directory inside an output directory: its listing is joined into its parent's.
    const root = mktree(`040000 tree ${mktree(`040000 tree ${big}\tbig\n`)}\tplanning\n`);
    const [count] = await store.settle([() => files.filesAt(root, ['planning/**/*.md']).length]);
    expect(count).toBe(200_000);
  });
});

describe('quoteList', () => {
  it('counts what it did not show, and says "at least" when the list was cut short', () => {
    const paths = Array.from({ length: 100 }, (_, i) => `p${i}`);
    expect(quoteList(paths.slice(0, 7))).toBe('"p0", "p1", "p2", "p3", "p4" and 2 more');
    expect(quoteList(paths, 5, true)).toBe('"p0", "p1", "p2", "p3", "p4" and at least 96 more');
    expect(quoteList(['a\nb'])).toBe('"a\\nb"');
  });
});

describe('BoundedCache', () => {
  it('keeps at most two generations, and a hit in the old one survives the next turnover', () => {
    const cache = new BoundedCache<number, string>(2);
    cache.set(1, 'a');
    cache.set(2, 'b');
    cache.set(3, 'c'); // young is full: {1,2} become old
    expect(cache.peek(1)).toBe('a'); // moved back into young {3,1}
    cache.set(4, 'd'); // turnover: old = {3,1}, young = {4}; 2 is gone
    expect(cache.peek(2)).toBeUndefined();
    expect(cache.peek(1)).toBe('a');
    expect(cache.peek(3)).toBe('c');
    cache.set(5, 'e');
    expect(cache.peek(5)).toBe('e');
  });
});
