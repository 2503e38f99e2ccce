// Is this process running inside an attempt? An approval is a human's: `approve` and `reject`
// refuse when started, directly or not, by an agent. The wrapper is a child subreaper where
// the machine allows (docs/processes.md), so everything an agent starts, daemons included,
// stays its descendant; the run id in the environment is the quick check, which an agent can
// scrub, and the ancestry (src/util/procfs.ts) the one it cannot.
import { RUN_ID_ENV } from '../dispatch/reap.js';
import { argvOf, environValue, processEntry } from '../util/procfs.js';

export interface AttemptOrigin {
  readonly pid: number;
  readonly runId: string | undefined;
}

/** The attempt this process runs inside, if any: itself or an ancestor carries a run id or is a dispatch wrapper. */
export function insideAttempt(env: NodeJS.ProcessEnv = process.env): AttemptOrigin | undefined {
  const own = env[RUN_ID_ENV];
  if (own !== undefined && own !== '') return { pid: process.pid, runId: own };
  // Walked one parent at a time: listing every process on the machine is not needed.
  for (let pid = process.ppid, depth = 0; pid > 1 && depth < 64; depth++) {
    if (argvOf(pid).some((arg) => arg.endsWith('/dispatch/wrapper.js'))) return { pid, runId: undefined };
    const runId = environValue(pid, RUN_ID_ENV);
    if (runId !== undefined && runId !== '') return { pid, runId };
    const parent = processEntry(pid)?.ppid;
    if (parent === undefined) break;
    pid = parent;
  }
  return undefined;
}
