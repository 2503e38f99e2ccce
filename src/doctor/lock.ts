// The runner lock: free, held by a runner that is working, or left behind. A holder that died
// on this host is taken over by the next runner on its own (runner/lock.ts decides, and is
// asked here, so both agree); a holder on another host cannot be checked from here.
import { existsSync } from 'node:fs';
import { hostname } from 'node:os';
import { isHolderDead, readHolder } from '../runner/lock.js';
import { shellWord } from '../util/shell.js';
import { passed, problem, type DoctorCheck } from './types.js';

export function checkLock(file: string): DoctorCheck {
  const none = { file, pid: null, host: null, since: null, alive: null };
  if (!existsSync(file)) return passed('lock', `no runner holds the lock (${file})`, none);
  const holder = readHolder(file);
  const remove = `\`rm ${shellWord(file)}\``;
  if (holder === undefined) {
    return problem('lock', 'warn', `the lock file ${file} cannot be read (a runner that died while writing it?)`, `Nothing is needed: the next phaserunner command takes it over. To clear it now: ${remove}.`, none);
  }
  const who = `pid ${holder.pid} on ${holder.host}, since ${holder.since}`;
  if (isHolderDead(holder)) {
    return problem('lock', 'warn', `the lock is left by a runner that is gone (${who})`, `Nothing is needed: the next phaserunner command takes it over. To clear it now: ${remove}.`, { file, ...holder, alive: false });
  }
  if (holder.host !== hostname()) {
    return problem('lock', 'warn', `the lock is held by a runner on another machine (${who}); whether it still runs cannot be told from here`, `If that runner is gone, delete the lock: ${remove}. Otherwise wait for it to finish.`, { file, ...holder, alive: null });
  }
  return passed('lock', `a runner is working on this repository now (${who}); other runs wait for it (exit 75), and \`phaserunner status --watch\` follows it`, { file, ...holder, alive: true });
}
