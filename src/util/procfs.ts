// The processes of this machine as Linux's /proc shows them: who is whose parent, what each
// runs, its environment and working directory. Used by the dispatch wrapper (which must load
// no package) to find what an agent left running, by the runner for an attempt whose wrapper
// died, and by `doctor`. Elsewhere (macOS) there is no /proc: every list is empty.
import { readdirSync, readFileSync, readlinkSync } from 'node:fs';

export interface ProcessEntry {
  readonly pid: number;
  readonly ppid: number;
  /** Its process group. */
  readonly pgid: number;
  /** Whether it has a controlling terminal (a shell a person started has one; an agent's processes do not). */
  readonly tty: boolean;
  /** When it started, in clock ticks since boot (comparable only with another process's). */
  readonly startTicks: number;
}

export const hasProcfs = process.platform === 'linux';

/**
 * Every live process: one that exited and waits for its parent to collect it (a zombie) is
 * not, nor one that is being torn down. A process that ends while the list is read is left out.
 */
export function liveProcesses(): ProcessEntry[] {
  if (!hasProcfs) return [];
  const found: ProcessEntry[] = [];
  for (const name of readdirSync('/proc')) {
    const pid = Number(name);
    if (!Number.isSafeInteger(pid) || pid <= 0) continue;
    const entry = processEntry(pid);
    if (entry !== undefined) found.push(entry);
  }
  return found;
}

/** One process, when it is live. */
export function processEntry(pid: number): ProcessEntry | undefined {
  let stat: string;
  try {
    stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
  } catch {
    return undefined; // gone
  }
  // "pid (comm) state ppid pgrp session tty_nr ...": comm may hold spaces and parentheses,
  // so the fields are counted after the last ')'.
  const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
  const state = fields[0];
  if (state === 'Z' || state === 'X' || state === 'x') return undefined;
  return { pid, ppid: Number(fields[1]), pgid: Number(fields[2]), tty: Number(fields[4]) !== 0, startTicks: Number(fields[19]) };
}

/**
 * When a process started, in clock ticks since boot, live or not yet collected by its parent
 * (a zombie's is still there); undefined when it cannot be read. Every process it starts
 * afterwards has a start at least as late.
 */
export function startTicksOf(pid: number): number | undefined {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const ticks = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19]);
    return Number.isSafeInteger(ticks) ? ticks : undefined;
  } catch {
    return undefined;
  }
}

/** The processes below `root` (children, their children, ...), root excluded. */
export function descendantsOf(root: number, processes: readonly ProcessEntry[]): ProcessEntry[] {
  const children = new Map<number, ProcessEntry[]>();
  for (const p of processes) children.set(p.ppid, [...(children.get(p.ppid) ?? []), p]);
  const found: ProcessEntry[] = [];
  const queue = [root];
  const seen = new Set(queue);
  for (let next = queue.shift(); next !== undefined; next = queue.shift()) {
    for (const child of children.get(next) ?? []) {
      if (seen.has(child.pid)) continue;
      seen.add(child.pid);
      found.push(child);
      queue.push(child.pid);
    }
  }
  return found;
}

/** The pids from `pid` up to init: the process, its parent, its parent's parent, ... */
export function ancestryOf(pid: number, processes: readonly ProcessEntry[]): number[] {
  const parent = new Map(processes.map((p) => [p.pid, p.ppid]));
  const chain: number[] = [];
  for (let at: number | undefined = pid; at !== undefined && at > 0 && !chain.includes(at); at = parent.get(at)) chain.push(at);
  return chain;
}

/** Its command line, split; empty when it cannot be read (gone, another user's, a kernel thread). */
export function argvOf(pid: number): string[] {
  try {
    const text = readFileSync(`/proc/${pid}/cmdline`, 'utf8');
    return text === '' ? [] : text.replace(/\0$/, '').split('\0');
  } catch {
    return [];
  }
}

/** What to call it in a report: its argv[0], else the kernel's short name for it. */
export function commandOf(pid: number): string {
  const argv0 = argvOf(pid)[0];
  if (argv0 !== undefined && argv0 !== '') return argv0.slice(0, 200);
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.indexOf('(') + 1, stat.lastIndexOf(')'));
  } catch {
    return '?';
  }
}

/**
 * The value of `name` in the environment it was started with (what /proc shows: a process
 * can overwrite or drop it, so a match proves it is ours, a miss proves nothing).
 */
export function environValue(pid: number, name: string): string | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/environ`, 'latin1');
  } catch {
    return undefined; // gone, or another user's
  }
  const prefix = `${name}=`;
  for (const entry of text.split('\0')) if (entry.startsWith(prefix)) return entry.slice(prefix.length);
  return undefined;
}

/** Its working directory, or undefined when it cannot be read (gone, another user's). */
export function cwdOf(pid: number): string | undefined {
  try {
    return readlinkSync(`/proc/${pid}/cwd`);
  } catch {
    return undefined;
  }
}
