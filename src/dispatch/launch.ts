// Starting the wrapper detached: its own session and process group, no stdio tied to the
// runner, unref'd. It outlives the runner (Ctrl-C, kill -9, a closed terminal) and writes
// exit.json when the agent ends.
import { spawn } from 'node:child_process';
import { WRAPPER_SCRIPT } from '../paths.js';
import { writeFileAtomic } from '../util/fs.js';
import { runFiles } from './run-dir.js';
import type { DispatchSpec } from './spec.js';

/** Writes dispatch.json and starts the wrapper; returns the wrapper's pid. */
export function launchWrapper(runDir: string, spec: DispatchSpec): number {
  const files = runFiles(runDir);
  writeFileAtomic(files.spec, JSON.stringify(spec, null, 2) + '\n');
  const child = spawn(process.execPath, [WRAPPER_SCRIPT, runDir], {
    cwd: runDir,
    detached: true,
    stdio: 'ignore',
    env: process.env,
  });
  child.unref();
  if (child.pid === undefined) throw new Error(`could not start the dispatch wrapper (${WRAPPER_SCRIPT})`);
  return child.pid;
}
