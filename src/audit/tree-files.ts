// A commit's files as the audit sees them: output globs resolved against a tree through the
// shared cat-file reader, with subtrees cached by id (a phase commit and its merge usually
// share most of them).
import { digestOf, sortByPath, type TreeFile } from '../git/digest.js';
import type { ObjectReader } from '../git/objects.js';
import type { FileSource } from '../gates/files.js';
import { matcherFor, staticPrefix } from '../util/glob.js';

export interface TreeBlob extends TreeFile {
  readonly mode: string;
}

const SYMLINK = '120000';
const TREE = '40000';
const SUBMODULE = '160000';
/** Subtree listings kept; past this the cache starts over, so memory stays bounded. */
const CACHE_LIMIT = 4096;

export class TreeFiles {
  private readonly cache = new Map<string, Promise<TreeBlob[]>>();

  constructor(private readonly reader: ObjectReader) {}

  /** Blobs under `tree` whose paths match any glob, sorted by path bytes. */
  async filesAt(tree: string, globs: readonly string[]): Promise<TreeBlob[]> {
    const matches = matcherFor(globs);
    const found = new Map<string, TreeBlob>();
    const prefixes = [...new Set(globs.map(staticPrefix))];
    const lists = await Promise.all(prefixes.map((prefix) => this.under(tree, prefix)));
    for (const list of lists) for (const blob of list) if (matches(blob.path)) found.set(blob.path, blob);
    return sortByPath([...found.values()]);
  }

  async digest(tree: string, globs: readonly string[]): Promise<string> {
    return digestOf(await this.filesAt(tree, globs));
  }

  /** The tree as a source for file checks: regular files only, as in a checkout. */
  source(tree: string): FileSource {
    return {
      list: async (pattern) => (await this.filesAt(tree, [pattern])).filter((b) => b.mode !== SYMLINK).map((b) => b.path),
      // By the blob's id from the listing: a `<tree>:<path>` request cannot carry every name
      // (cat-file's batch protocol is line-based, and agents write names with newlines).
      read: async (path) => {
        const slash = path.lastIndexOf('/');
        const blob = (await this.under(tree, slash < 0 ? '' : path.slice(0, slash))).find((b) => b.path === path && b.mode !== SYMLINK);
        const object = blob === undefined ? undefined : await this.reader.read(blob.oid);
        return object?.type === 'blob' ? object.content.toString('utf8') : undefined;
      },
    };
  }

  /** Paths that differ between two trees (added, removed or changed), descending only where they differ. */
  async changed(a: string, b: string, prefix = ''): Promise<string[]> {
    if (a === b) return [];
    const [left, right] = await Promise.all([this.reader.tree(a), this.reader.tree(b)]);
    const l = new Map((left ?? []).map((e) => [e.name, e]));
    const r = new Map((right ?? []).map((e) => [e.name, e]));
    const names = [...new Set([...l.keys(), ...r.keys()])];
    const parts = await Promise.all(
      names.map(async (name): Promise<string[]> => {
        const x = l.get(name);
        const y = r.get(name);
        if (x?.oid === y?.oid && x?.mode === y?.mode) return [];
        const path = prefix === '' ? name : `${prefix}/${name}`;
        if (x?.mode === TREE && y?.mode === TREE) return this.changed(x.oid, y.oid, path);
        const paths: string[] = [];
        for (const e of [x, y]) {
          if (e === undefined) continue;
          if (e.mode === TREE) paths.push(...(await this.blobsOf(e.oid)).map((f) => `${path}/${f.path}`));
          else paths.push(path);
        }
        return paths;
      }),
    );
    return [...new Set(parts.flat())];
  }

  /** Every blob under the directory `prefix` of `tree`, with full paths. */
  private async under(tree: string, prefix: string): Promise<TreeBlob[]> {
    const object = await this.reader.read(prefix === '' ? tree : `${tree}:${prefix}`);
    if (object?.type !== 'tree') return [];
    const blobs = await this.blobsOf(object.oid);
    return prefix === '' ? blobs : blobs.map((b) => ({ ...b, path: `${prefix}/${b.path}` }));
  }

  /** Blobs of a tree, paths relative to it; cached by the tree's id. */
  private blobsOf(oid: string): Promise<TreeBlob[]> {
    const cached = this.cache.get(oid);
    if (cached !== undefined) return cached;
    if (this.cache.size >= CACHE_LIMIT) this.cache.clear();
    const listing = this.list(oid);
    this.cache.set(oid, listing);
    return listing;
  }

  private async list(oid: string): Promise<TreeBlob[]> {
    const entries = (await this.reader.tree(oid)) ?? [];
    const nested = await Promise.all(
      entries.map(async (e): Promise<TreeBlob[]> => {
        if (e.mode === TREE) return (await this.blobsOf(e.oid)).map((b) => ({ ...b, path: `${e.name}/${b.path}` }));
        if (e.mode === SUBMODULE) return [];
        return [{ path: e.name, oid: e.oid, mode: e.mode }];
      }),
    );
    return nested.flat();
  }
}
