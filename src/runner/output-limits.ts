// Caps on what one attempt may change: `limits.max_files` files, none over `limits.max_file_mb`.
// Checked on the paths git status listed, before anything is staged, by counting them and
// lstat-ing each (a file is never read, a link never followed), so that an agent cannot make
// the runner's own work unbounded: staging 50,000 files took git 40 s (its pathspec matching
// is quadratic in the number of paths), 300,000 kept it busy past 600 s, and a 200 MB output
// took the audit minutes. The same check keeps a failed attempt's snapshot (which stages
// everything the agent changed) from doing that work instead.
import { existsSync, lstatSync } from 'node:fs';
import { join } from 'node:path';
import type { Config } from '../config/schema.js';
import { CONFIG_PATH } from '../paths.js';
import { changedPaths, checkoutOf, ignoredOutputFiles } from '../git/status.js';
import type { RunRow } from '../store/store.js';
import { limitsOf, type GoverningContext } from './governed.js';

export type OutputLimits = Pick<Config['limits'], 'max_file_mb' | 'max_files'>;

const SHOWN = 8;
const MB = 2 ** 20;

/**
 * Why the attempt's changed paths (repository-relative, as git status lists them) are over its
 * limits, naming the config key to raise; undefined when they are within them.
 */
export async function overOutputLimits(r: GoverningContext, run: Pick<RunRow, 'worktree' | 'base_sha'>, paths: readonly string[]): Promise<string | undefined> {
  return overLimits(run.worktree, paths, await limitsOf(r, run), r.config.base);
}

/**
 * Why a failed attempt's files are not kept in a snapshot (they are over its limits, and
 * storing them is the unbounded work the limits prevent), or undefined to keep them as usual.
 */
export async function tooMuchToKeep(r: GoverningContext, run: Pick<RunRow, 'worktree' | 'base_sha'>, step: { readonly outputs: readonly string[] }): Promise<string | undefined> {
  // Git is never pointed at a directory that is not its own worktree (see fail-run.ts).
  if (!existsSync(run.worktree) || (await checkoutOf(run.worktree)) === undefined) return undefined;
  try {
    const changed = (await changedPaths(run.worktree)).map((c) => c.path);
    const ignored = await ignoredOutputFiles(run.worktree, step.outputs);
    if ((await overOutputLimits(r, run, [...changed, ...ignored])) === undefined) return undefined;
  } catch {
    return undefined;
  }
  return `The agent's files are over the limits, so they are not kept in a snapshot: they stay in its checkout ${run.worktree} until the phase is dispatched again.`;
}

/** The check itself: a count, then lstat on each path. */
export function overLimits(worktree: string, paths: readonly string[], limits: OutputLimits, base: string): string | undefined {
  if (paths.length > limits.max_files) {
    return (
      `the agent changed ${paths.length} files, more than the limit of ${limits.max_files} an attempt; nothing was staged. ` +
      `To allow more, raise limits.max_files in ${CONFIG_PATH} and commit it on ${base}.`
    );
  }
  const max = limits.max_file_mb * MB;
  const large: string[] = [];
  for (const path of paths) {
    const size = regularFileSize(join(worktree, path));
    if (size !== undefined && size > max) large.push(`${JSON.stringify(path)} (${megabytes(size)})`);
  }
  if (large.length === 0) return undefined;
  const shown = large.length > SHOWN ? `${large.slice(0, SHOWN).join(', ')} and ${large.length - SHOWN} more` : large.join(', ');
  return (
    `the agent wrote ${large.length === 1 ? 'a file' : 'files'} larger than the limit of ${limits.max_file_mb} MB a file: ${shown}; nothing was staged. ` +
    `To allow larger files, raise limits.max_file_mb in ${CONFIG_PATH} and commit it on ${base}.`
  );
}

/** A regular file's size; undefined for anything else (deleted, a directory, a link: never followed). */
function regularFileSize(path: string): number | undefined {
  try {
    const stat = lstatSync(path);
    return stat.isFile() ? stat.size : undefined;
  } catch {
    return undefined;
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / MB).toFixed(bytes < 10 * MB ? 2 : 1)} MB`;
}
