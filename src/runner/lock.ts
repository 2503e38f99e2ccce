// One runner per repository. The lock file records who holds it; a holder that died on this
// host is detected by its pid and its lock taken over without manual cleanup.
//
// The lock appears complete or not at all: the holder is written to a private file first and
// hard-linked into place (link fails if the lock exists). A dead holder's lock is taken over by
// renaming it aside and checking that what was moved is the dead holder's: if a racer already
// replaced it with a live lock, that lock is put back and the racer wins.
import { linkSync, readFileSync, renameSync, rmSync } from 'node:fs';
import { hostname } from 'node:os';
import { fail } from '../failures.js';
import { isNodeError, writeFileDurable } from '../util/fs.js';
import { isProcessAlive } from '../util/process.js';
import { nowIso } from '../util/time.js';

export interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export interface Lock {
  release(): void;
}

const MAX_TRIES = 5;

/** Takes the lock or fails with `locked` naming the holder. */
export function acquireLock(file: string): Lock {
  const me: LockHolder = { pid: process.pid, host: hostname(), since: nowIso() };
  const mine = `${file}.${process.pid}.tmp`;
  writeFileDurable(mine, JSON.stringify(me) + '\n');
  try {
    for (let tries = 0; tries < MAX_TRIES; tries++) {
      try {
        linkSync(mine, file);
        return {
          release: () => {
            releaseIfMine(file, me);
          },
        };
      } catch (error) {
        if (!isNodeError(error) || error.code !== 'EEXIST') throw error;
      }
      const holder = readHolder(file);
      if (holder !== undefined && !isHolderDead(holder)) {
        fail({ reason: 'locked', lockFile: file, pid: holder.pid, host: holder.host, since: holder.since });
      }
      takeOverDead(file, holder);
    }
  } finally {
    rmSync(mine, { force: true });
  }
  throw new Error(`could not take the runner lock ${file} after ${MAX_TRIES} tries`);
}

/** Moves a dead (or unreadable) holder's lock aside; restores it if it turned out to be live. */
function takeOverDead(file: string, dead: LockHolder | undefined): void {
  const aside = `${file}.${process.pid}.stale`;
  try {
    renameSync(file, aside);
  } catch (error) {
    if (isNodeError(error) && error.code === 'ENOENT') return; // Someone else cleared it.
    throw error;
  }
  const moved = readHolder(aside);
  const same = dead === undefined ? moved === undefined : moved?.pid === dead.pid && moved.since === dead.since;
  if (!same) {
    // A racer's fresh lock: put it back (link never overwrites), then let the loop see it.
    try {
      linkSync(aside, file);
    } catch {
      // A third runner took the lock meanwhile; the racer's lock is lost to it, not to us.
    }
  }
  rmSync(aside, { force: true });
}

function releaseIfMine(file: string, me: LockHolder): void {
  const holder = readHolder(file);
  if (holder?.pid === me.pid && holder.since === me.since) rmSync(file, { force: true });
}

/**
 * Whether a holder is known to be gone: only a process on this host can be checked. (doctor
 * asks the same question, so it reports a lock as stale exactly when a runner would take it over.)
 */
export function isHolderDead(holder: LockHolder): boolean {
  return holder.host === hostname() && !isProcessAlive(holder.pid);
}

/** Who holds the lock: undefined when the file is missing, or unreadable (a runner takes such a lock over). */
export function readHolder(file: string): LockHolder | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string' || typeof data.since !== 'string') return undefined;
    return { pid: data.pid, host: data.host, since: data.since };
  } catch {
    return undefined;
  }
}
