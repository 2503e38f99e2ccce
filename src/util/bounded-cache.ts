// A cache that forgets what was not used lately, so a cache over a long history stays within
// a fixed memory budget. Two generations: when the young one fills, it becomes the old one
// and the previous old one is dropped; a hit in the old generation moves the entry back.
// O(1) per operation, unlike evicting a Map's oldest key (V8 walks the deleted slots).

export class BoundedCache<K, V> {
  private young = new Map<K, V>();
  private old = new Map<K, V>();

  /** `limit` entries per generation: at most twice that are held. */
  constructor(private readonly limit: number) {}

  peek(key: K): V | undefined {
    const young = this.young.get(key);
    if (young !== undefined) return young;
    const old = this.old.get(key);
    if (old !== undefined) this.set(key, old);
    return old;
  }

  set(key: K, value: V): void {
    if (this.young.size >= this.limit) {
      this.old = this.young;
      this.young = new Map();
    }
    this.young.set(key, value);
  }
}
