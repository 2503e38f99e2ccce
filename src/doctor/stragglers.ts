// stragglers: processes of this repository's attempts that still run with no wrapper to stop
// them: a daemon that escaped a wrapper without the subreaper (or whose wrapper was killed),
// still carrying the run id in its environment, or working in one of the phase checkouts.
// Processes below a live wrapper of the repository are that attempt's, and stopped when it
// ends; processes below the runner holding the lock (its git, its gate commands) and this
// doctor's own (and its parents: a shell in a checkout) are not stragglers.
import { readdirSync, realpathSync } from 'node:fs';
import { hostname } from 'node:os';
import { basename, dirname, sep } from 'node:path';
import { RUN_ID_ENV } from '../dispatch/reap.js';
import type { StatePaths } from '../paths.js';
import { isHolderDead, readHolder } from '../runner/lock.js';
import { ancestryOf, argvOf, commandOf, cwdOf, descendantsOf, environValue, hasProcfs, liveProcesses, type ProcessEntry } from '../util/procfs.js';
import { passed, problem, type DoctorCheck, type StragglerDetails } from './types.js';

/** Named in the message; the details list them all. */
const SHOWN = 10;

export function checkStragglers(state: StatePaths): DoctorCheck {
  if (!hasProcfs) return passed('stragglers', `not looked for: ${process.platform} has no /proc to list processes from`, { processes: [] });
  const found = stragglers(state);
  if (found.length === 0) return passed('stragglers', "no process of this repository's attempts runs outside its wrapper", { processes: found });
  const described = found.slice(0, SHOWN).map((p) => `pid ${p.pid} ${JSON.stringify(p.command)} (${p.run_id === null ? `working in ${p.cwd ?? '?'}` : `run ${p.run_id}`})`);
  const more = found.length > SHOWN ? ` and ${found.length - SHOWN} more` : '';
  const byCwd = found.some((p) => p.run_id === null);
  return problem(
    'stragglers',
    'fail',
    `${found.length === 1 ? 'a process' : `${found.length} processes`} of this repository's attempts still ${found.length === 1 ? 'runs' : 'run'} with no wrapper to stop ${found.length === 1 ? 'it' : 'them'}, and can change its files at any time: ${described.join(', ')}${more}`,
    `Stop ${found.length === 1 ? 'it' : 'them'}: \`kill ${found.map((p) => p.pid).join(' ')}\`${byCwd ? ' (one listed only for working in a phase checkout may be yours, such as an editor: leave that one)' : ''}.`,
    { processes: found },
  );
}

function stragglers(state: StatePaths): StragglerDetails[] {
  const runIds = new Set(listDir(state.runs));
  const runsDir = real(state.runs);
  const worktrees = real(state.worktrees);
  const all = liveProcesses();
  const owned = new Set<number>(ancestryOf(process.pid, all));
  const owners = all.filter((p) => p.pid === process.pid || isWrapperOf(p, runsDir, runIds) || p.pid === liveRunner(state.lock));
  for (const owner of owners) {
    owned.add(owner.pid);
    for (const d of descendantsOf(owner.pid, all)) owned.add(d.pid);
  }
  const found: StragglerDetails[] = [];
  for (const p of all) {
    if (owned.has(p.pid)) continue;
    const runId = environValue(p.pid, RUN_ID_ENV);
    const ours = runId !== undefined && runIds.has(runId);
    // Without the mark, its working directory: an agent's processes have no terminal, a
    // person's shell does.
    const cwd = cwdOf(p.pid);
    const inCheckout = cwd !== undefined && (cwd === worktrees || cwd.startsWith(worktrees + sep)) && !p.tty;
    if (ours || inCheckout) found.push({ pid: p.pid, command: commandOf(p.pid), run_id: ours ? runId : null, cwd: cwd ?? null });
  }
  return found;
}

/** A dispatch wrapper of one of this repository's runs: `node .../wrapper.js <runs>/<run id> <launch>`. */
function isWrapperOf(p: ProcessEntry, runsDir: string, runIds: ReadonlySet<string>): boolean {
  const [, script, runDir] = argvOf(p.pid);
  if (script === undefined || runDir === undefined || basename(script) !== 'wrapper.js') return false;
  return runIds.has(basename(runDir)) && real(dirname(runDir)) === runsDir;
}

/** The runner holding the lock, when it runs on this host. */
function liveRunner(lock: string): number | undefined {
  const holder = readHolder(lock);
  return holder !== undefined && holder.host === hostname() && !isHolderDead(holder) ? holder.pid : undefined;
}

function listDir(dir: string): string[] {
  try {
    return readdirSync(dir);
  } catch {
    return [];
  }
}

function real(path: string): string {
  try {
    return realpathSync(path);
  } catch {
    return path;
  }
}
