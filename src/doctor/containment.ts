// containment: can the dispatch wrapper become a child subreaper here (dispatch/launcher.ts)?
// Then every process an agent starts stays below its wrapper and is stopped when the attempt
// ends. Without it the wrapper kills the agent's process group, and what leaves the group (a
// setsid daemon) is stopped only while it keeps the run id in its environment. The check runs
// the launcher itself, as a dispatch would, on a shell that reports what the launcher made of it.
import { wrapperEnvironment } from '../agents/env-allowlist.js';
import { launcherArgv, launcherPython, SUBREAPER_ENV } from '../dispatch/launcher.js';
import { runBounded } from '../util/process.js';
import { passed, problem, type DoctorCheck } from './types.js';

const WEAKER =
  "the dispatch wrapper falls back on killing the agent's process group: a process the agent moves out of it (a setsid daemon, a double fork) outlives the attempt unless it keeps the run id in its environment";

export async function checkContainment(cwd: string): Promise<DoctorCheck> {
  if (process.platform !== 'linux') {
    return problem('containment', 'warn', `only Linux lets the wrapper adopt what an agent abandons (a child subreaper); on ${process.platform} ${WEAKER}`, 'Run agents you do not trust on Linux, or in a container or VM.', {
      subreaper: false,
      python: null,
      error: `not Linux (${process.platform})`,
    });
  }
  // The python3 a dispatch would launch through (a shim's interpreter), found as a dispatch finds it.
  const python = launcherPython(wrapperEnvironment(process.env));
  if (python === undefined) {
    return problem('containment', 'warn', `python3 is not on PATH, so ${WEAKER}`, 'Install python3 (`apt install python3`, `dnf install python3`, ...); phaserunner uses it to make the dispatch wrapper a child subreaper.', {
      subreaper: false,
      python: null,
      error: 'python3 is not on PATH',
    });
  }
  const run = await runBounded(launcherArgv(python, ['/bin/sh', '-c', `printf '%s' "$${SUBREAPER_ENV}"`]), { cwd, timeoutMs: 10_000 });
  const said = run.spawnError ?? run.output.trim();
  if (said !== '1') {
    const error = said === '' ? `it exited ${run.exitCode ?? `on ${run.signal ?? 'a signal'}`}` : said.replace(/\s+/g, ' ').slice(0, 300);
    return problem('containment', 'warn', `${python} could not make the dispatch wrapper a child subreaper (${error}), so ${WEAKER}`, `Check that \`${python} -c "import ctypes"\` works; phaserunner uses it to call prctl.`, {
      subreaper: false,
      python,
      error,
    });
  }
  return passed('containment', `the dispatch wrapper is a child subreaper (through ${python}): every process an agent starts is stopped when its attempt ends`, { subreaper: true, python, error: null });
}
