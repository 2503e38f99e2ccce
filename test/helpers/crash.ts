// What the crash sweeps (planning's and execution's) read after a kill: each launch's claims,
// files by name, and whether a process still belongs to a run.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/** The claims of each launch of a run (claim.json, claim-2.json, ...). */
export function claimsOf(runDir: string): { by: string }[] {
  return readdirSync(runDir)
    .filter((name) => /^claim(-\d+)?\.json$/.test(name))
    .map((name) => JSON.parse(readFileSync(join(runDir, name), 'utf8')) as { by: string });
}

export function findFiles(dir: string, name: string): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...findFiles(path, name));
    else if (entry.name === name) found.push(path);
  }
  return found;
}

/** A live process of this run: the wrapper names the run in its command line, the agent in its environment. */
export function belongsToRun(pid: number, runId: string): boolean {
  try {
    process.kill(pid, 0);
    return [`/proc/${pid}/cmdline`, `/proc/${pid}/environ`].some((file) => readFileSync(file, 'utf8').includes(runId));
  } catch {
    return false;
  }
}
