// Is this process running inside an attempt? An approval is a human's: `approve` and `reject`
// refuse when started, directly or not, by an agent. The wrapper is a child subreaper where
// the machine allows (docs/containment.md), so everything an agent starts, daemons included,
// stays its descendant; the run id in the environment is the quick check, which an agent can
// scrub, and the ancestry (read from /proc) the one it cannot.
import { readFileSync } from 'node:fs';

export interface AttemptOrigin {
  readonly pid: number;
  readonly runId: string | undefined;
}

const RUN_ID = 'PHASERUNNER_RUN_ID';

/** The attempt this process runs inside, if any: itself or an ancestor carries a run id or is a dispatch wrapper. */
export function insideAttempt(env: NodeJS.ProcessEnv = process.env): AttemptOrigin | undefined {
  const own = env[RUN_ID];
  if (own !== undefined && own !== '') return { pid: process.pid, runId: own };
  let pid = process.ppid;
  for (let depth = 0; pid > 1 && depth < 64; depth++) {
    const found = attemptMark(pid);
    if (found !== undefined) return found;
    const parent = parentOf(pid);
    if (parent === undefined) break;
    pid = parent;
  }
  return undefined;
}

function attemptMark(pid: number): AttemptOrigin | undefined {
  try {
    const cmdline = readFileSync(`/proc/${pid}/cmdline`, 'utf8').split('\0');
    if (cmdline.some((arg) => arg.endsWith('/dispatch/wrapper.js'))) return { pid, runId: undefined };
  } catch {
    // Not Linux, or the process is gone: nothing to tell.
  }
  try {
    const environ = readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    const entry = environ.find((e) => e.startsWith(`${RUN_ID}=`));
    if (entry !== undefined && entry.length > RUN_ID.length + 1) return { pid, runId: entry.slice(RUN_ID.length + 1) };
  } catch {
    // Another user's process, or gone.
  }
  return undefined;
}

function parentOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; the last ')' ends it.
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ppid = Number(fields[1]);
    return Number.isInteger(ppid) && ppid > 0 ? ppid : undefined;
  } catch {
    return undefined;
  }
}
