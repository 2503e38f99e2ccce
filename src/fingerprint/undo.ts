// Putting back what an agent changed outside its checkout, where it is git's or phaserunner's
// own: config, hooks, the git directory's files, phaserunner's state, phaserunner's refs. The
// agent's version is kept in the run directory (never where git would use it), so nothing is
// lost and nothing stays armed. Refs and files that may be the user's own (branches, tags,
// notes, the user's checkout) are only reported: phaserunner cannot tell a commit or an edit
// of the user's from the agent's.
import { chmodSync, copyFileSync, lstatSync, mkdirSync, readlinkSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { git } from '../git/exec.js';
import { describeChange } from './compare.js';
import type { Change } from './types.js';

export interface UndoResult {
  /** Changes put back, in words. */
  readonly undone: readonly string[];
  /** Changes left as they are, in words, with why. */
  readonly left: readonly string[];
  /** Where the agent's versions of put-back files are kept, when any are. */
  readonly keptIn: string | undefined;
}

/** Refs that are phaserunner's alone: its phase branches and its own namespace. */
export function runnerRef(ref: string): boolean {
  return ref.startsWith('refs/phaserunner/') || ref.startsWith('refs/heads/phaserunner/');
}

/** Largest agent version kept beside a put-back file (a config or hook is a few KB). */
const KEEP_LIMIT = 64 * 2 ** 20;

export async function undoChanges(changes: readonly Change[], where: { readonly runDir: string; readonly cwd: string }): Promise<UndoResult> {
  const undone: string[] = [];
  const left: string[] = [];
  const keepDir = join(where.runDir, 'tampered');
  const kept: Record<string, string> = {};
  for (const change of changes) {
    const words = describeChange(change);
    switch (change.kind) {
      case 'file': {
        const copy = keepAgentVersion(change.path, keepDir, Object.keys(kept).length);
        if (copy !== undefined) kept[change.path] = copy;
        if (putBack(change)) undone.push(words);
        else left.push(`${words} (its content was not kept, so it could not be put back)`);
        break;
      }
      case 'ref':
        if (runnerRef(change.ref) && !(change.before ?? '').startsWith('ref: ') && !(change.after ?? '').startsWith('ref: ')) {
          await restoreRef(where.cwd, change.ref, change.before, change.after);
          undone.push(words);
        } else {
          left.push(words);
        }
        break;
      case 'checkout':
      case 'approval':
        left.push(words);
        break;
    }
  }
  if (Object.keys(kept).length > 0) writeFileSync(join(keepDir, 'index.json'), JSON.stringify(kept, null, 2) + '\n');
  return { undone, left, keptIn: Object.keys(kept).length > 0 ? keepDir : undefined };
}

/** Copies what the agent left at `path` into the run directory; undefined when there is nothing to keep. */
function keepAgentVersion(path: string, dir: string, n: number): string | undefined {
  try {
    const st = lstatSync(path);
    if (!st.isFile() && !st.isSymbolicLink()) return undefined;
    if (st.isFile() && st.size > KEEP_LIMIT) return undefined;
    mkdirSync(dir, { recursive: true });
    const copy = join(dir, `${n + 1}-${basename(path)}`);
    if (st.isSymbolicLink()) writeFileSync(copy, `symlink to ${readlinkSync(path)}\n`);
    // Kept, not armed: no execute bit, whatever the agent's file had.
    else copyFileSync(path, copy);
    chmodSync(copy, 0o600);
    return copy;
  } catch {
    return undefined;
  }
}

/** Puts a file back as the fingerprint kept it; false when its content was not kept. */
function putBack(change: Extract<Change, { kind: 'file' }>): boolean {
  const { path, before } = change;
  switch (before.kind) {
    case 'missing':
      rmSync(path, { recursive: true, force: true });
      return true;
    case 'dir':
      rmSync(path, { recursive: true, force: true });
      mkdirSync(path, { recursive: true });
      return true;
    case 'symlink':
      rmSync(path, { recursive: true, force: true });
      mkdirSync(dirname(path), { recursive: true });
      symlinkSync(before.target, path);
      return true;
    case 'file': {
      if (before.content === undefined) return false;
      rmSync(path, { recursive: true, force: true });
      mkdirSync(dirname(path), { recursive: true });
      writeFileSync(path, Buffer.from(before.content, 'base64'), { mode: before.mode });
      chmodSync(path, before.mode);
      return true;
    }
    case 'large':
    case 'other':
      return false;
  }
}

async function restoreRef(cwd: string, ref: string, before: string | undefined, after: string | undefined): Promise<void> {
  const zero = '0'.repeat(40);
  if (before === undefined) await git(['update-ref', '--no-deref', '-d', ref, ...(after === undefined ? [] : [after])], { cwd, okCodes: [1, 128] });
  else await git(['update-ref', '--no-deref', '-m', 'phaserunner: put back after an agent moved it', ref, before, after ?? zero], { cwd, okCodes: [1, 128] });
}
