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
  private readonly inflight = new Map<string, Promise<Tree | null>>();

  constructor(private readonly reader: ObjectReader) {}

  /** A tree by id or `<commit>^{tree}`; undefined when git has no such tree. */
  tree(spec: string): Tree | undefined {
    return need(this.trees, this.pinnedTrees, this.wantTrees, spec);
  }

  /**
   * Stops the check unless every one of these trees is loaded, after noting all that are not:
   * a check that will walk many directories asks for them together, so the next round reads
   * all of them rather than one per round.
   */
  require(specs: Iterable<string>): void {
    let missing = false;
    for (const spec of specs) {
      if (lookup(this.trees, this.pinnedTrees, spec) !== undefined) continue;
      this.wantTrees.add(spec);
      missing = true;
    }
    if (missing) throw NOT_LOADED;
  }

  /** A tree if loaded (null: git has no such tree), undefined if not; never stops the check. */
  peek(spec: string): Tree | null | undefined {
    return lookup(this.trees, this.pinnedTrees, spec);
  }

  /** A blob's text by id; undefined when git has no such blob. */
  text(oid: string): string | undefined {
    return need(this.texts, this.pinnedTexts, this.wantTexts, oid);
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

  /**
   * Starts reading trees a coming `settle` will need (a merge's root trees, known from the log
   * stream), so its first round finds them already answered.
   */
  prefetch(specs: readonly string[]): void {
    for (const spec of specs) {
      // Failures surface when settle asks again.
      if (this.trees.peek(spec) === undefined) this.fetchTree(spec).catch(() => undefined);
    }
  }

  /** Reads a tree into the cache; one request per spec however often it is asked for meanwhile. */
  private fetchTree(spec: string): Promise<Tree | null> {
    const running = this.inflight.get(spec);
    if (running !== undefined) return running;
    const fetching = this.reader.read(spec).then(
      (object) => {
        this.inflight.delete(spec);
        const tree = object?.type === 'tree' ? { oid: object.oid, entries: parseTree(object.content, object.oid.length / 2) } : null;
        this.trees.set(spec, tree);
        if (tree !== null && spec !== tree.oid) this.trees.set(tree.oid, tree);
        return tree;
      },
      (error: unknown) => {
        this.inflight.delete(spec);
        throw error;
      },
    );
    this.inflight.set(spec, fetching);
    return fetching;
  }

  private async load(): Promise<void> {
    const trees = [...this.wantTrees];
    const texts = [...this.wantTexts];
    this.wantTrees.clear();
    this.wantTexts.clear();
    await Promise.all([
      ...trees.map(async (spec) => {
        this.pinnedTrees.set(spec, await this.fetchTree(spec));
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

function lookup<V>(cache: BoundedCache<string, V | null>, pinned: ReadonlyMap<string, V | null>, key: string): V | null | undefined {
  const cached = cache.peek(key);
  return cached === undefined ? pinned.get(key) : cached;
}

/** Cached or pinned (null: git has no such object); otherwise noted as wanted, and the check stops. */
function need<V>(cache: BoundedCache<string, V | null>, pinned: ReadonlyMap<string, V | null>, want: Set<string>, key: string): V | undefined {
  const known = lookup(cache, pinned, key);
  if (known === undefined) {
    want.add(key);
    throw NOT_LOADED;
  }
  return known ?? undefined;
}
