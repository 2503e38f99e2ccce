// The tests' own temporary directories (test/helpers/temp.ts) are removed after each test file
// even when a test left a detached process working in one, as `run` without --wait does.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isAlive, until } from '../helpers/setup.js';
import { removeDirs, tempDir } from '../helpers/temp.js';

describe('removing the temporary directories', () => {
  // Finding the processes reads /proc; elsewhere removal only retries.
  it.runIf(process.platform === 'linux')('stops a detached process still writing in one, and its process group, then removes it', async () => {
    const dir = tempDir();
    // A group leader writing files without end, with a child that left the directory.
    const script = '(cd / && exec sleep 300) & echo $! > child.pid; mkdir work; i=0; while :; do i=$((i+1)); echo $i > work/f$i; done';
    const writer = spawn('sh', ['-c', script], { cwd: dir, detached: true, stdio: 'ignore' });
    writer.unref();
    const pid = writer.pid ?? 0;
    await until(() => existsSync(join(dir, 'work', 'f100')), 15_000, 'the writer to start');
    const child = Number(readFileSync(join(dir, 'child.pid'), 'utf8'));

    await removeDirs([dir]);

    expect(existsSync(dir)).toBe(false);
    expect(isAlive(pid)).toBe(false);
    await until(() => !isAlive(child), 5_000, 'the process group to be stopped');
  });
});
