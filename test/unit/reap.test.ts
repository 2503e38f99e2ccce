// Finding and stopping an attempt's processes (src/dispatch/reap.ts, src/util/procfs.ts), with
// real processes: a tree below a parent, and one that left it but keeps the run id.
import { spawn } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { nameStragglers, reapAttempt, STRAGGLERS_NAMED } from '../../src/dispatch/reap.js';
import { ancestryOf, descendantsOf, liveProcesses, processEntry, startTicksOf, type ProcessEntry } from '../../src/util/procfs.js';
import { isAlive, until } from '../helpers/setup.js';

const entry = (pid: number, ppid: number): ProcessEntry => ({ pid, ppid, pgid: pid, tty: false, startTicks: 0 });

describe('the process tree', () => {
  it('finds every descendant, however deep, and the ancestry up to init', () => {
    const all = [entry(1, 0), entry(10, 1), entry(11, 10), entry(12, 11), entry(13, 10), entry(20, 1)];
    expect(descendantsOf(10, all).map((p) => p.pid).sort()).toEqual([11, 12, 13]);
    expect(descendantsOf(12, all)).toEqual([]);
    expect(ancestryOf(12, all)).toEqual([12, 11, 10, 1]);
  });

  it('reads a live process, and not one that is gone', () => {
    expect(processEntry(process.pid)).toMatchObject({ pid: process.pid, ppid: process.ppid });
    expect(processEntry(2 ** 22 + 1)).toBeUndefined();
  });
});

describe('reapAttempt', () => {
  it('stops what runs below a process and what carries the run id elsewhere, and names each', async () => {
    const runId = `01REAPTEST${process.pid}`;
    // A parent with a child and a grandchild, and, apart, a process that kept the run id.
    const parent = spawn('sh', ['-c', 'sh -c "sleep 300 & wait" & wait'], { stdio: 'ignore' });
    const marked = spawn('sleep', ['300'], { stdio: 'ignore', env: { PATH: process.env.PATH, PHASERUNNER_RUN_ID: runId } });
    const parentPid = parent.pid ?? 0;
    try {
      await until(() => descendantsOf(parentPid, liveProcesses()).length >= 2, 5_000, 'the tree to start');
      const below = descendantsOf(parentPid, liveProcesses()).map((p) => p.pid);
      const reaped = await reapAttempt({ runId, below: parentPid, settleMs: 0, deadlineMs: 5_000 });
      const pids = reaped.stragglers.map((p) => p.pid);
      expect(pids).toEqual(expect.arrayContaining([...below, marked.pid ?? 0]));
      expect(pids).not.toContain(parentPid);
      expect(reaped.survivors).toEqual([]);
      expect(reaped.stragglers.find((p) => p.pid === marked.pid)?.argv0).toBe('sleep');
      for (const pid of pids) expect(isAlive(pid)).toBe(false);
    } finally {
      parent.kill('SIGKILL');
      marked.kill('SIGKILL');
    }
  });

  it('with since, finds the run id only on processes started since then (the wrapper\'s own start)', async () => {
    const runId = `01REAPSINCE${process.pid}`;
    const env = { PATH: process.env.PATH, PHASERUNNER_RUN_ID: runId };
    const older = spawn('sleep', ['300'], { stdio: 'ignore', env });
    // Clock ticks are 10 ms: the younger one starts in a later one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const younger = spawn('sleep', ['300'], { stdio: 'ignore', env });
    try {
      const since = startTicksOf(younger.pid ?? -1);
      expect(since).toBeGreaterThan(startTicksOf(older.pid ?? -1) ?? Infinity);
      const reaped = await reapAttempt({ runId, settleMs: 0, deadlineMs: 5_000, since });
      expect(reaped.stragglers.map((p) => p.pid)).toEqual([younger.pid]);
      expect(isAlive(older.pid ?? -1)).toBe(true);
      // Without it, every process that carries the run id.
      expect((await reapAttempt({ runId, settleMs: 0, deadlineMs: 5_000 })).stragglers.map((p) => p.pid)).toEqual([older.pid]);
    } finally {
      older.kill('SIGKILL');
      younger.kill('SIGKILL');
    }
  });

  it('names at most STRAGGLERS_NAMED and counts the rest', () => {
    const many = Array.from({ length: STRAGGLERS_NAMED + 3 }, (_, i) => ({ pid: 100 + i, argv0: 'sleep' }));
    expect(nameStragglers(many)).toMatch(/^pid 100 "sleep", .*pid 109 "sleep" and 3 more$/);
    expect(nameStragglers(many.slice(0, 2), 12)).toBe('pid 100 "sleep", pid 101 "sleep" and 10 more');
  });
});
