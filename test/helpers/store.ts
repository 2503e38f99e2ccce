// Reading the runner's SQLite store directly, to check what it recorded.
import Database from 'better-sqlite3';
import { join } from 'node:path';

export function readStore<T>(repo: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(join(repo, '.git', 'phaserunner', 'state.db'), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}
