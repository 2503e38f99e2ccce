// Claims: who took one launch of an attempt. An attempt is started by launching a wrapper
// (`wrapper.js <run-dir> <launch>`); the wrapper claims its launch before it starts the agent,
// and a runner that finds no live wrapper for the current launch claims it instead, which
// retires that launch for good: its wrapper, however late it gets there, finds the claim
// taken and exits without starting anything. Claims are never removed or rewritten, and a
// runner launches launch n+1 only once it holds launch n's claim itself, so across all the
// launches of an attempt at most one claim is ever a wrapper's: at most one agent per attempt.
// Loaded by the wrapper: node built-ins only.
import { linkSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

export type Claim =
  | { readonly by: 'wrapper'; readonly pid: number }
  /** `wrapper_pid`: the launch's wrapper as the runner had recorded it, known to have run and exited unclaimed; null when the runner never recorded one. */
  | { readonly by: 'runner'; readonly pid: null; readonly wrapper_pid: number | null }
  /** A claim file that cannot be read (hand-edited, or written by hand): whoever wrote it, nobody else may start the launch. */
  | { readonly by: 'unknown'; readonly pid: null };

/** Launch 1 keeps the name run directories have always had; later launches are numbered. */
export function claimFile(runDir: string, launch: number): string {
  return join(runDir, launch === 1 ? 'claim.json' : `claim-${launch}.json`);
}

/**
 * Takes the claim of a launch; true when this call took it. The claim appears whole or not
 * at all (written aside, hard-linked into place: link never overwrites), so a reader never
 * sees a half-written claim, and exactly one of any number of racing claimers gets it.
 */
export function takeClaim(runDir: string, launch: number, claim: Claim): boolean {
  const file = claimFile(runDir, launch);
  const aside = `${file}.${process.pid}.tmp`;
  try {
    writeFileSync(aside, JSON.stringify(claim) + '\n');
    linkSync(aside, file);
    return true;
  } catch {
    // Taken already (EEXIST), or it cannot be written (the run directory is gone): not ours.
    return false;
  } finally {
    rmSync(aside, { force: true });
  }
}

/** The launch's claim, or undefined when nobody has claimed it. */
export function readClaim(runDir: string, launch: number): Claim | undefined {
  let text: string;
  try {
    text = readFileSync(claimFile(runDir, launch), 'utf8');
  } catch {
    return undefined;
  }
  try {
    const value = JSON.parse(text) as Partial<Record<string, unknown>>;
    if (value.by === 'wrapper' && Number.isSafeInteger(value.pid)) return { by: 'wrapper', pid: value.pid as number };
    if (value.by === 'runner') return { by: 'runner', pid: null, wrapper_pid: Number.isSafeInteger(value.wrapper_pid) ? (value.wrapper_pid as number) : null };
  } catch {
    // Fall through: present, but not a claim anyone can be identified by.
  }
  return { by: 'unknown', pid: null };
}
