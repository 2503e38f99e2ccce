// A commit's files as the audit sees them: output globs resolved against a tree held in the
// TreeStore. Only a commit's root tree is new per commit; every directory below is reached by
// its entry's id, and listings are cached by that id, because consecutive commits share
// almost all of them. Everything here is synchronous and may throw the store's NOT_LOADED:
// run it through `TreeStore.settle`.
import { digestOf, sortByPath, type TreeFile } from '../git/digest.js';
import type { TreeEntry } from '../git/objects.js';
import type { SyncFileSource } from '../gates/files.js';
import { BoundedCache } from '../util/bounded-cache.js';
import { isGlob, matcherFor, prefixesOf } from '../util/glob.js';
import type { TreeStore } from './tree-store.js';

export interface TreeBlob extends TreeFile {
  readonly mode: string;
}

export interface Changes {
  readonly paths: readonly string[];
  /** More paths changed than were collected. */
  readonly more: boolean;
}

const SYMLINK = '120000';
const TREE = '40000';
const SUBMODULE = '160000';

export class TreeFiles {
  /** Blobs under a tree (paths prefixed), by tree id and prefix. */
  private readonly listings = new BoundedCache<string, readonly TreeBlob[]>(4096);
  private readonly digests = new BoundedCache<string, string>(1024);

  constructor(readonly store: TreeStore) {}

  /** The entry at `path` (slash-separated) under the tree `spec`, walking directories by id. */
  entry(spec: string, path: string): TreeEntry | undefined {
    let tree = this.store.tree(spec);
    let start = 0;
    while (tree !== undefined) {
      const slash = path.indexOf('/', start);
      const name = slash < 0 ? path.slice(start) : path.slice(start, slash);
      const found = tree.entries.find((e) => e.name === name);
      if (found === undefined || slash < 0) return found;
      if (found.mode !== TREE) return undefined;
      tree = this.store.tree(found.oid);
      start = slash + 1;
    }
    return undefined;
  }

  /** Blobs under `spec` whose paths match any glob, sorted by path bytes. */
  filesAt(spec: string, globs: readonly string[]): TreeBlob[] {
    const matches = matcherFor(globs);
    const found: TreeBlob[] = [];
    for (const prefix of prefixesOf(globs)) for (const blob of this.under(spec, prefix)) if (matches(blob.path)) found.push(blob);
    return sortByPath(found);
  }

  /** The Artifacts-Digest of `globs` at `spec`; computed once per set of directory ids. */
  digest(spec: string, globs: readonly string[]): string {
    const dirs = prefixesOf(globs).map((p) => this.dirOid(spec, p) ?? '-');
    const key = `${dirs.join(' ')}\0${globsKey(globs)}`;
    const known = this.digests.peek(key);
    if (known !== undefined) return known;
    const digest = digestOf(this.filesAt(spec, globs));
    this.digests.set(key, digest);
    return digest;
  }

  /** The tree as a source for file checks: regular files only, as in a checkout. */
  source(spec: string): SyncFileSource {
    return {
      list: (pattern) => {
        // A plain path (most checks name one file) is one lookup, as in a checkout.
        if (!isGlob(pattern)) return isFile(this.entry(spec, pattern)) ? [pattern] : [];
        return this.filesAt(spec, [pattern]).filter((b) => b.mode !== SYMLINK).map((b) => b.path);
      },
      // Through the entries, by blob id: a `<tree>:<path>` request cannot carry every name
      // (cat-file's batch protocol is line-based, and agents write names with newlines).
      read: (path) => {
        const found = this.entry(spec, path);
        return isFile(found) ? this.store.text(found.oid) : undefined;
      },
    };
  }

  /**
   * Paths that differ between two trees (added, removed or changed) and that `inside` does not
   * accept, up to `limit` of them. Descends only where the trees differ, and stops reading
   * once the limit is reached: an agent may add a whole dependency tree.
   */
  changedOutside(a: string, b: string, inside: (path: string) => boolean, limit: number): Changes {
    const paths = new Set<string>();
    let more = false;
    const add = (path: string): boolean => {
      if (inside(path) || paths.has(path)) return true;
      if (paths.size >= limit) {
        more = true;
        return false;
      }
      paths.add(path);
      return true;
    };
    const diff = (left: readonly TreeEntry[], right: readonly TreeEntry[], prefix: string): boolean => {
      const r = new Map(right.map((e) => [e.name, e]));
      const l = new Map(left.map((e) => [e.name, e]));
      const names = new Set([...l.keys(), ...r.keys()]);
      // The directories this level descends into, read in one round.
      const both: string[] = [];
      for (const name of names) {
        const x = l.get(name);
        const y = r.get(name);
        if (x?.mode === TREE && y?.mode === TREE && x.oid !== y.oid) both.push(x.oid, y.oid);
      }
      this.store.require(both);
      for (const name of names) {
        const x = l.get(name);
        const y = r.get(name);
        if (x?.oid === y?.oid && x?.mode === y?.mode) continue;
        const path = prefix === '' ? name : `${prefix}/${name}`;
        if (x?.mode === TREE && y?.mode === TREE) {
          if (!diff(this.entriesOf(x.oid), this.entriesOf(y.oid), path)) return false;
          continue;
        }
        for (const e of [x, y]) {
          if (e === undefined) continue;
          const ok = e.mode === TREE ? this.walk(e.oid, path, add) : add(path);
          if (!ok) return false;
        }
      }
      return true;
    };
    const left = this.store.tree(a);
    const right = this.store.tree(b);
    if (left?.oid !== right?.oid) diff(left?.entries ?? [], right?.entries ?? [], '');
    return { paths: [...paths], more };
  }

  private entriesOf(oid: string): readonly TreeEntry[] {
    return this.store.tree(oid)?.entries ?? [];
  }

  /** Calls `visit` for each blob path under a tree until it returns false; false if it did. */
  private walk(oid: string, prefix: string, visit: (path: string) => boolean): boolean {
    const entries = this.entriesOf(oid);
    this.store.require(entries.filter((e) => e.mode === TREE).map((e) => e.oid));
    for (const e of entries) {
      const path = `${prefix}/${e.name}`;
      if (e.mode === SUBMODULE) continue;
      if (!(e.mode === TREE ? this.walk(e.oid, path, visit) : visit(path))) return false;
    }
    return true;
  }

  private dirOid(spec: string, prefix: string): string | undefined {
    if (prefix === '') return this.store.tree(spec)?.oid;
    const found = this.entry(spec, prefix);
    return found?.mode === TREE ? found.oid : undefined;
  }

  /** Every blob under the directory `prefix` of `spec`, with full paths. */
  private under(spec: string, prefix: string): readonly TreeBlob[] {
    const oid = this.dirOid(spec, prefix);
    return oid === undefined ? [] : this.listing(oid, prefix);
  }

  /** Blobs of a tree, paths prefixed; cached by the tree's id and the prefix. */
  private listing(oid: string, prefix: string, loaded = false): readonly TreeBlob[] {
    const key = `${oid}\0${prefix}`;
    const known = this.listings.peek(key);
    if (known !== undefined) return known;
    if (!loaded) this.loadSubtree(oid);
    const blobs: TreeBlob[] = [];
    const base = prefix === '' ? '' : `${prefix}/`;
    for (const e of this.entriesOf(oid)) {
      // A loop, not push(...list): spreading a directory of 100,000+ files overflows the stack.
      if (e.mode === TREE) for (const b of this.listing(e.oid, `${base}${e.name}`, true)) blobs.push(b);
      else if (e.mode !== SUBMODULE) blobs.push({ path: `${base}${e.name}`, oid: e.oid, mode: e.mode });
    }
    this.listings.set(key, blobs);
    return blobs;
  }

  /** Every tree below `oid` loaded, a level per round (not a directory per round). */
  private loadSubtree(oid: string): void {
    const missing: string[] = [];
    const queue = [oid];
    for (let spec = queue.pop(); spec !== undefined; spec = queue.pop()) {
      const tree = this.store.peek(spec);
      if (tree === undefined) missing.push(spec);
      else if (tree !== null) for (const e of tree.entries) if (e.mode === TREE) queue.push(e.oid);
    }
    this.store.require(missing);
  }
}

/** A regular file (or executable): what a check may read. */
function isFile(entry: TreeEntry | undefined): entry is TreeEntry {
  return entry !== undefined && entry.mode !== SYMLINK && entry.mode !== TREE && entry.mode !== SUBMODULE;
}

const keyCache = new WeakMap<readonly string[], string>();

function globsKey(globs: readonly string[]): string {
  let key = keyCache.get(globs);
  if (key === undefined) {
    key = globs.join('\0');
    keyCache.set(globs, key);
  }
  return key;
}
