// Temporary directories for tests, each registered so that it is removed after its test file
// (temp-setup.ts): the suite used to leave about 300 directories (140 MB) behind per run.
import { existsSync, mkdtempSync, readdirSync, readFileSync, readlinkSync, realpathSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, sep } from 'node:path';

/** Set to 1 to keep every temporary directory of a run, to look at what a failed test left (processes left in them are still stopped). */
export const KEEP_TEMP = process.env.PHASERUNNER_TEST_KEEP_TEMP === '1';

const created: string[] = [];

/** A new empty directory in the temporary directory, removed after the test file. */
export function tempDir(prefix = 'phaserunner-test-'): string {
  const dir = mkdtempSync(join(tmpdir(), prefix));
  created.push(dir);
  return dir;
}

/**
 * Removes every directory tempDir() made since the last call. A test may leave a detached
 * wrapper and its agent working in them on purpose (`run` without --wait, a hanging agent):
 * those are stopped first, or they would write on into a half-removed directory, or keep
 * hanging until their phase's timeout.
 */
export async function removeTempDirs(): Promise<void> {
  await removeDirs(created.splice(0));
}

/** Stops the processes working in `dirs`, then removes the directories (unless KEEP_TEMP). */
export async function removeDirs(dirs: readonly string[]): Promise<void> {
  // As /proc names working directories: real paths. A test may have removed its directory already.
  await stopProcessesIn(dirs.filter((d) => existsSync(d)).map((d) => realpathSync(d)));
  if (KEEP_TEMP) return;
  // Retries for what a process stopped an instant ago may still have had open.
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true, maxRetries: 10, retryDelay: 50 });
}

/**
 * SIGKILLs every process whose working directory is inside one of `dirs` (the wrapper works
 * in its run directory, the agent in its worktree: both in a test's directories), and the
 * process group it leads (the agent's children), until none is left. Linux only (/proc);
 * elsewhere nothing is found and removal relies on its retries.
 */
async function stopProcessesIn(dirs: readonly string[]): Promise<void> {
  if (dirs.length === 0 || process.platform !== 'linux') return;
  const ownGroup = processGroup(process.pid);
  const deadline = Date.now() + 10_000;
  for (;;) {
    const pids = processesIn(dirs);
    if (pids.length === 0) return;
    if (Date.now() > deadline) throw new Error(`processes ${pids.join(', ')} still run in the test's temporary directories`);
    for (const pid of pids) {
      const group = processGroup(pid);
      try {
        // Only a group of its own: never the one this test process belongs to.
        if (group === pid && group !== ownGroup) process.kill(-pid, 'SIGKILL');
        process.kill(pid, 'SIGKILL');
      } catch {
        // Gone already.
      }
    }
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Live processes (zombies have no working directory) working inside one of `dirs`. */
function processesIn(dirs: readonly string[]): number[] {
  const pids: number[] = [];
  for (const entry of readdirSync('/proc')) {
    const pid = Number(entry);
    if (!Number.isInteger(pid) || pid === process.pid) continue;
    let cwd: string;
    try {
      cwd = readlinkSync(`/proc/${entry}/cwd`);
    } catch {
      continue; // gone, a zombie, or another user's
    }
    if (dirs.some((d) => cwd === d || cwd.startsWith(d + sep))) pids.push(pid);
  }
  return pids;
}

function processGroup(pid: number): number | undefined {
  try {
    // /proc/<pid>/stat: "pid (comm) state ppid pgrp ...", fields counted after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[2]);
  } catch {
    return undefined;
  }
}
