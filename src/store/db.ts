// Opening the SQLite store: WAL so readers (status) never block the runner, a busy timeout
// so a second process waits instead of failing, and migrations applied on open.
import type BetterSqlite3 from 'better-sqlite3';
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname } from 'node:path';
import { fail } from '../failures.js';
import { MIGRATIONS } from './migrations.js';

// Required, not imported: better-sqlite3 is a CommonJS package, and the first CommonJS module
// an ES module imports makes node 20 start its CommonJS export lexer (WebAssembly) to find the
// names it exports. `require` skips that: about 10 ms of every `status` (docs/performance.md).
const Database = createRequire(import.meta.url)('better-sqlite3') as typeof BetterSqlite3;

export type Db = BetterSqlite3.Database;

/**
 * Opens (creating if needed) the store at `file` and migrates it. synchronous=FULL: a
 * transition that returned is on disk even if the machine loses power (docs/performance.md).
 */
export function openDb(file: string): Db {
  mkdirSync(dirname(file), { recursive: true });
  return prepared(new Database(file), (db) => {
    db.pragma('journal_mode = WAL');
    db.pragma('synchronous = FULL');
    db.pragma('busy_timeout = 10000');
    db.pragma('foreign_keys = ON');
    migrate(db, file);
  });
}

/** Opens an existing store without creating or migrating it (read paths such as status). */
export function openDbReadOnly(file: string): Db {
  let version = 0;
  const db = prepared(new Database(file, { readonly: true, fileMustExist: true }), (db) => {
    db.pragma('busy_timeout = 10000');
    version = schemaVersion(db, file);
  });
  if (version === MIGRATIONS.length) return db;
  // Written by an older phaserunner, and not migrated yet (no runner has opened it since):
  // read a copy, migrated in memory. The file itself is migrated by the next runner, under
  // its lock; a read-only verb changes nothing on disk.
  try {
    const image = db.serialize();
    // The image's header still says WAL (bytes 18 and 19), which an in-memory database
    // cannot open; it is read in rollback mode instead.
    image[18] = 1;
    image[19] = 1;
    return prepared(new Database(image), (copy) => {
      migrate(copy, file);
    });
  } finally {
    db.close();
  }
}

/** Runs `setup` on a just-opened store; closes it when setup fails, so no handle is leaked. */
function prepared(db: Db, setup: (db: Db) => void): Db {
  try {
    setup(db);
    return db;
  } catch (error) {
    db.close();
    throw error;
  }
}

/** The store's schema version; fails with store-too-new when a newer phaserunner wrote it (its data is not ours to read or migrate). */
function schemaVersion(db: Db, file: string): number {
  const version = db.pragma('user_version', { simple: true }) as number;
  if (version > MIGRATIONS.length) fail({ reason: 'store-too-new', file, version, known: MIGRATIONS.length });
  return version;
}

function migrate(db: Db, file: string): void {
  const version = schemaVersion(db, file);
  if (version === MIGRATIONS.length) return;
  // SQLite's way to rebuild a table that others reference: foreign keys off (outside the
  // transaction, where the pragma takes effect), the rebuild, then one check of every key
  // before the commit, and foreign keys on again.
  const enforced = db.pragma('foreign_keys', { simple: true }) === 1;
  db.pragma('foreign_keys = OFF');
  try {
    for (let v = version; v < MIGRATIONS.length; v++) {
      const sql = MIGRATIONS[v] ?? '';
      db.transaction(() => {
        db.exec(sql);
        const broken = db.pragma('foreign_key_check') as unknown[];
        if (broken.length > 0) throw new Error(`migration ${v + 1} of ${file} would break ${broken.length} foreign key(s): ${JSON.stringify(broken.slice(0, 3))}`);
        db.pragma(`user_version = ${v + 1}`);
      }).immediate();
    }
  } finally {
    if (enforced) db.pragma('foreign_keys = ON');
  }
}
