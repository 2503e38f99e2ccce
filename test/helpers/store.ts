// Reading the runner's SQLite store directly, to check what it recorded, and writing it, to
// tamper with it.
import Database from 'better-sqlite3';
import { join } from 'node:path';

const storeFile = (repo: string): string => join(repo, '.git', 'phaserunner', 'state.db');

export function readStore<T>(repo: string, sql: string, ...params: unknown[]): T[] {
  const db = new Database(storeFile(repo), { readonly: true, fileMustExist: true });
  try {
    return db.prepare(sql).all(...params) as T[];
  } finally {
    db.close();
  }
}

/** Runs a statement on the store; returns how many rows it changed. */
export function writeStore(repo: string, sql: string, ...params: unknown[]): number {
  const db = new Database(storeFile(repo), { fileMustExist: true });
  try {
    return db.prepare(sql).run(...params).changes;
  } finally {
    db.close();
  }
}
