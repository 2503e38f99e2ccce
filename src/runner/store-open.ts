// Opening the store: checked for damage first (a damaged file is refused with the way out,
// never read or written), or read-only for the verbs that only look.
import { existsSync } from 'node:fs';
import { fail } from '../failures.js';
import { openDb, openDbReadOnly, type Db } from '../store/db.js';
import { Store } from '../store/store.js';

/**
 * The store, checked: a file that is not a database, or fails SQLite's quick check, is
 * refused (store-corrupt) before anything reads or writes it; `doctor --repair` rebuilds it.
 */
export function openStore(file: string): Db {
  let db: Db | undefined;
  try {
    db = openDb(file);
    quickCheck(db);
    return db;
  } catch (error) {
    db?.close();
    return refuseCorrupt(error, file);
  }
}

/** The same check on an existing store, read-only: nothing is created, migrated or written. */
export function checkStoreFile(file: string): void {
  if (!existsSync(file)) return;
  let db: Db | undefined;
  try {
    db = openDbReadOnly(file);
    quickCheck(db);
  } catch (error) {
    refuseCorrupt(error, file);
  } finally {
    db?.close();
  }
}

function quickCheck(db: Db): void {
  const check = String(db.pragma('quick_check', { simple: true }));
  if (check !== 'ok') throw Object.assign(new Error(check), { code: 'SQLITE_CORRUPT' });
}

/** Rethrows `error`, as store-corrupt (exit 65, with the way out) when SQLite says the file is damaged. */
function refuseCorrupt(error: unknown, file: string): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    fail({ reason: 'store-corrupt', file, detail: error instanceof Error ? error.message : String(error) });
  }
  throw error;
}

/**
 * Runs `fn` over the store opened read-only (undefined when there is none yet), closes it,
 * and turns SQLite's "damaged" errors, whenever they surface, into store-corrupt.
 */
export function withStoreReadOnly<T>(file: string, fn: (store: Store | undefined) => T): T {
  let store: Store | undefined;
  try {
    store = existsSync(file) ? new Store(openDbReadOnly(file)) : undefined;
    return fn(store);
  } catch (error) {
    return refuseCorrupt(error, file);
  } finally {
    store?.close();
  }
}
