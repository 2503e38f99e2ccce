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
  return prepared(new Database(file, { readonly: true, fileMustExist: true }), (db) => {
    db.pragma('busy_timeout = 10000');
    schemaVersion(db, file);
  });
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
  for (let v = version; v < MIGRATIONS.length; v++) {
    const sql = MIGRATIONS[v] ?? '';
    db.transaction(() => {
      db.exec(sql);
      db.pragma(`user_version = ${v + 1}`);
    }).immediate();
  }
}
