// Starting the wrapper detached: its own session and process group, no stdio tied to the
// runner, unref'd. It outlives the runner (Ctrl-C, kill -9, a closed terminal) and writes
// exit.json when the agent ends. Two steps, so that the runner can name the moment between
// them (a crash point): dispatch.json written, no wrapper started yet.
import { spawn } from 'node:child_process';
import { closeSync, openSync } from 'node:fs';
import { wrapperEnvironment } from '../agents/env-allowlist.js';
import { WRAPPER_SCRIPT } from '../paths.js';
import { writeFileAtomic } from '../util/fs.js';
import { launcherArgv, launcherPython, SUBREAPER_ENV } from './launcher.js';
import { runFiles } from './run-dir.js';
import type { DispatchSpec } from './spec.js';

/** Writes dispatch.json: what the next wrapper launched for the run must run. */
export function writeDispatchSpec(runDir: string, spec: DispatchSpec): void {
  writeFileAtomic(runFiles(runDir).spec, JSON.stringify(spec, null, 2) + '\n');
}

/**
 * Starts the wrapper for one launch of the run (its number is on its command line, so a
 * pid is recognised as that launch's wrapper, the launcher's command line ending the same
 * way until it execs the wrapper under the same pid); returns its pid. Its stderr goes to
 * wrapper.log: a wrapper that fails before it logs anything (its script missing, say) still
 * leaves its reason there.
 */
export function spawnWrapper(runDir: string, launch: number): number {
  const log = openSync(runFiles(runDir).wrapperLog, 'a');
  // Through the launcher when there is a python3 (the wrapper is then a child subreaper), and
  // never with a claim of being one that the launcher did not make.
  const wrapper = [process.execPath, WRAPPER_SCRIPT, runDir, String(launch)];
  // The common allowlist only (src/agents/env-allowlist.ts): an agent can read its parent's
  // environment in /proc.
  const env = wrapperEnvironment(process.env);
  Reflect.deleteProperty(env, SUBREAPER_ENV);
  const python = launcherPython(env);
  const [program = process.execPath, ...args] = python === undefined ? wrapper : launcherArgv(python, wrapper);
  try {
    const child = spawn(program, args, {
      cwd: runDir,
      detached: true,
      stdio: ['ignore', 'ignore', log],
      env,
    });
    child.unref();
    if (child.pid === undefined) throw new Error(`could not start the dispatch wrapper (${WRAPPER_SCRIPT})`);
    return child.pid;
  } finally {
    closeSync(log);
  }
}

/** The marker of a launch's wrapper in its command line (/proc/<pid>/cmdline, NUL-separated). */
export function wrapperMarker(runDir: string, launch: number): string {
  return `${runDir}\0${launch}\0`;
}
