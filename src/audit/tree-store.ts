// Git objects for the audit's checks, read synchronously. A check runs as a plain function
// over trees and blobs already in memory; when it reaches one that is not, it stops (throws
// NOT_LOADED) after noting what it needs. `settle` runs a batch of checks that way, fetches
// everything they stopped at in one pipelined round through cat-file, and runs the stopped
// ones again, until all have finished. So a thousand merges cost a few rounds of requests, and
// the checks themselves are loops over arrays, not chains of promises.
import { parseTree, type ObjectReader, type TreeEntry } from '../git/objects.js';
import { BoundedCache } from '../util/bounded-cache.js';

/** A tree: its own id and its entries. */
export interface Tree {
  readonly oid: string;
  readonly entries: readonly TreeEntry[];
}

class NotLoaded extends Error {}
/** One instance: thrown often, and building an Error (its stack) is the expensive part. */
const NOT_LOADED = new NotLoaded('object not loaded yet');

/** Entries per cache generation. */
const TREES = 8192;
const TEXTS = 512;
/** Blob texts larger than this are not kept (a check reads them once). */
const TEXT_LIMIT = 1 << 20;

export class TreeStore {
  /** By tree id, and by `<commit>^{tree}`; null when it is missing or not a tree. */
  private readonly trees = new BoundedCache<string, Tree | null>(TREES);
  private readonly texts = new BoundedCache<string, string | null>(TEXTS);
  private readonly wantTrees = new Set<string>();
  private readonly wantTexts = new Set<string>();
  /**
   * Everything fetched during the current `settle`, kept until it ends: the caches may drop an
   * object before the check that asked for it runs again, and large texts are not cached at all.
   */
  private readonly pinnedTrees = new Map<string, Tree | null>();
  private readonly pinnedTexts = new Map<string, string | null>();
  private settling = false;

  constructor(private readonly reader: ObjectReader) {}

  /** A tree by id or `<commit>^{tree}`; undefined when git has no such tree. */
  tree(spec: string): Tree | undefined {
    const known = lookup(this.trees, this.pinnedTrees, spec);
    if (known === undefined) {
      this.wantTrees.add(spec);
      throw NOT_LOADED;
    }
    return known ?? undefined;
  }

  /** A blob's text by id; undefined when git has no such blob. */
  text(oid: string): string | undefined {
    const known = lookup(this.texts, this.pinnedTexts, oid);
    if (known === undefined) {
      this.wantTexts.add(oid);
      throw NOT_LOADED;
    }
    return known ?? undefined;
  }

  /**
   * Runs every function to completion, fetching what they need between rounds. Results are in
   * order. A function must not have effects before its last object access: it may run again.
   * One settle at a time (the pinned objects belong to it).
   */
  async settle<T>(fns: readonly (() => T)[]): Promise<T[]> {
    if (this.settling) throw new Error('TreeStore.settle is already running');
    this.settling = true;
    try {
      const results = new Array<T>(fns.length);
      let open = fns.map((_, i) => i);
      while (open.length > 0) {
        const stopped: number[] = [];
        for (const i of open) {
          try {
            results[i] = (fns[i] as () => T)();
          } catch (error) {
            if (error !== NOT_LOADED) throw error;
            stopped.push(i);
          }
        }
        if (stopped.length > 0) await this.load();
        open = stopped;
      }
      return results;
    } finally {
      this.settling = false;
      this.pinnedTrees.clear();
      this.pinnedTexts.clear();
      this.wantTrees.clear();
      this.wantTexts.clear();
    }
  }

  private async load(): Promise<void> {
    const trees = [...this.wantTrees];
    const texts = [...this.wantTexts];
    this.wantTrees.clear();
    this.wantTexts.clear();
    await Promise.all([
      ...trees.map(async (spec) => {
        const object = await this.reader.read(spec);
        const tree = object?.type === 'tree' ? { oid: object.oid, entries: parseTree(object.content, object.oid.length / 2) } : null;
        this.trees.set(spec, tree);
        this.pinnedTrees.set(spec, tree);
        if (tree !== null && spec !== tree.oid) this.trees.set(tree.oid, tree);
      }),
      ...texts.map(async (oid) => {
        const object = await this.reader.read(oid);
        const text = object?.type === 'blob' ? object.content.toString('utf8') : null;
        this.pinnedTexts.set(oid, text);
        if (text === null || text.length <= TEXT_LIMIT) this.texts.set(oid, text);
      }),
    ]);
  }
}

/** Cached or pinned: null when git has no such object, undefined when not fetched. */
function lookup<V>(cache: BoundedCache<string, V | null>, pinned: ReadonlyMap<string, V | null>, key: string): V | null | undefined {
  const cached = cache.peek(key);
  return cached === undefined ? pinned.get(key) : cached;
}
