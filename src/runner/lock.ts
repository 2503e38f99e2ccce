// One runner per repository. The lock file records who holds it; a holder that died on this
// host is detected by its pid and the lock taken over without manual cleanup.
import { closeSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { hostname } from 'node:os';
import { fail } from '../failures.js';
import { isNodeError } from '../util/fs.js';
import { isProcessAlive } from '../util/process.js';
import { nowIso } from '../util/time.js';

interface LockHolder {
  readonly pid: number;
  readonly host: string;
  readonly since: string;
}

export interface Lock {
  release(): void;
}

/** Takes the lock or fails with `locked` naming the holder. */
export function acquireLock(file: string): Lock {
  for (let tries = 0; tries < 3; tries++) {
    try {
      const fd = openSync(file, 'wx', 0o644);
      const holder: LockHolder = { pid: process.pid, host: hostname(), since: nowIso() };
      writeSync(fd, JSON.stringify(holder) + '\n');
      closeSync(fd);
      return {
        release() {
          // Only remove the lock if it is still ours.
          if (readHolder(file)?.pid === process.pid) rmSync(file, { force: true });
        },
      };
    } catch (error) {
      if (!isNodeError(error) || error.code !== 'EEXIST') throw error;
    }
    const holder = readHolder(file);
    if (holder === undefined || (holder.host === hostname() && !isProcessAlive(holder.pid))) {
      // The holder died (or the file is unreadable garbage): recover the lock.
      rmSync(file, { force: true });
      continue;
    }
    fail({ reason: 'locked', lockFile: file, pid: holder.pid, host: holder.host, since: holder.since });
  }
  throw new Error(`could not take the runner lock ${file}`);
}

function readHolder(file: string): LockHolder | undefined {
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as Partial<LockHolder>;
    if (typeof data.pid !== 'number' || typeof data.host !== 'string' || typeof data.since !== 'string') return undefined;
    return { pid: data.pid, host: data.host, since: data.since };
  } catch {
    return undefined;
  }
}
