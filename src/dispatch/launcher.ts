// The dispatch wrapper is started through a few lines of python3 that make it a child
// subreaper (Linux's prctl(PR_SET_CHILD_SUBREAPER), which node cannot call) and then exec it:
// same pid, and the flag survives the exec. Every process the agent starts and abandons (a
// setsid daemon, a double fork) is then reparented to the wrapper instead of init, so the
// wrapper can find and stop it (reap.ts). Measured in docs/processes.md: about 12 ms per
// phase with the system's python3, against a pid namespace or a cgroup, which a user without
// privileges cannot count on. Without python3 (or off Linux) the wrapper is started directly
// and falls back on killing the agent's process group; `doctor` says so.
import { spawnSync } from 'node:child_process';
import { accessSync, closeSync, constants, openSync, readSync, statSync } from 'node:fs';
import { delimiter, isAbsolute, join } from 'node:path';

/** Set for the wrapper by the launcher: "1" when it is a subreaper, else why not. Never passed on to the agent. */
export const SUBREAPER_ENV = 'PHASERUNNER_WRAPPER_SUBREAPER';

/** 36 is PR_SET_CHILD_SUBREAPER (linux/prctl.h). Any failure still starts the wrapper, which then says why it is not one. */
const LAUNCHER = `
import ctypes, os, sys
env = dict(os.environ)
try:
    libc = ctypes.CDLL(None, use_errno=True)
    env[${JSON.stringify(SUBREAPER_ENV)}] = "1" if libc.prctl(36, 1, 0, 0, 0) == 0 else "prctl failed: " + os.strerror(ctypes.get_errno())
except Exception as error:
    env[${JSON.stringify(SUBREAPER_ENV)}] = "prctl failed: %s" % error
os.execve(sys.argv[1], sys.argv[1:], env)
`;

/** The first python3 on PATH that can be run, on Linux; undefined when there is none (or elsewhere). */
export function findPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (process.platform !== 'linux') return undefined;
  for (const dir of (env.PATH ?? '').split(delimiter)) {
    if (dir === '' || !isAbsolute(dir)) continue;
    const candidate = join(dir, 'python3');
    try {
      accessSync(candidate, constants.X_OK);
      if (statSync(candidate).isFile()) return candidate;
    } catch {
      // Not there, or not runnable: the next one.
    }
  }
  return undefined;
}

/**
 * The python3 the launcher runs: the first on PATH, or, when that one is a script (a pyenv or
 * asdf shim, which works out a version on every start: 0.3-0.5 s per dispatch on the
 * benchmark's machine against 0.02-0.09 s for the interpreter itself), the interpreter it
 * starts, asked once per process. Any python3 will do (the launcher only calls prctl), so the
 * version a shim would pick for another directory does not matter. `env` is the environment
 * the launcher gets (a shim finds its versions through it). A shim that cannot say is used
 * as it is: slower, never wrong.
 */
export function launcherPython(env: NodeJS.ProcessEnv = process.env): string | undefined {
  const found = findPython(env);
  if (found === undefined) return undefined;
  let python = interpreters.get(found);
  if (python === undefined) {
    python = isScript(found) ? (interpreterBehind(found, env) ?? found) : found;
    interpreters.set(found, python);
  }
  return python;
}

const interpreters = new Map<string, string>();

function isScript(file: string): boolean {
  const fd = openSync(file, 'r');
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head.toString('latin1') === '#!';
  } catch {
    return false;
  } finally {
    closeSync(fd);
  }
}

function interpreterBehind(shim: string, env: NodeJS.ProcessEnv): string | undefined {
  const asked = spawnSync(shim, ['-I', '-S', '-c', 'import sys; sys.stdout.write(sys.executable or "")'], { env, encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'pipe', 'ignore'] });
  const path = asked.status === 0 ? asked.stdout.trim() : '';
  if (!isAbsolute(path) || path === shim) return undefined;
  try {
    accessSync(path, constants.X_OK);
    return statSync(path).isFile() && !isScript(path) ? path : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The command that runs `argv` as a child subreaper through `python`. -I and -S: no user
 * site, no PYTHON* variables, no site module (about 15 ms of python's start-up).
 */
export function launcherArgv(python: string, argv: readonly string[]): string[] {
  return [python, '-I', '-S', '-c', LAUNCHER, ...argv];
}
