// Collects what a prompt shows: the intent and earlier phases' outputs as they are in the
// attempt's checkout (the base tip), with contents inlined while they are small. The files
// come from a PromptFiles: the attempt's checkout, or (for `show N --prompt` before the first
// attempt) the base branch's tip read from git.
import { statSync } from 'node:fs';
import { join } from 'node:path';
import { inlineSchemas } from '../gates/builtin-schemas.js';
import { checkoutSource } from '../gates/files.js';
import { targetLabel } from '../gates/types.js';
import { git } from '../git/exec.js';
import { globToRegExp, isGlob, staticPrefix } from '../util/glob.js';
import type { PromptFile, PromptInput } from '../phases/prompt.js';
import type { Config } from '../config/schema.js';
import type { Workstream, WorkstreamStep } from '../workstream/types.js';

const MAX_FILE_BYTES = 16 * 1024;
const MAX_TOTAL_BYTES = 64 * 1024;

/** Where a prompt's files are read from. */
export interface PromptFiles {
  /** Regular files matching a path or glob, sorted, with their sizes. */
  list(pattern: string): Promise<{ path: string; bytes: number }[]>;
  read(path: string): Promise<string | undefined>;
}

/** The attempt's checkout, read as its gate reads it (checkoutSource: the root resolved once). */
export function checkoutFiles(worktree: string): PromptFiles {
  const source = checkoutSource(worktree);
  return {
    list: async (pattern) => (await source.list(pattern)).map((path) => ({ path, bytes: statSync(join(worktree, path)).size })),
    read: (path) => source.read(path),
  };
}

/** A commit's files, read from git: what a checkout of it would hold (symlinks are not followed). */
export function commitFiles(root: string, commit: string): PromptFiles {
  return {
    list: async (pattern) => {
      const prefix = isGlob(pattern) ? staticPrefix(pattern) : pattern;
      const re = isGlob(pattern) ? globToRegExp(pattern) : undefined;
      const found = (await regularFiles(root, commit, prefix)).filter((f) => (re === undefined ? f.path === pattern : re.test(f.path)));
      return found.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
    },
    read: async (path) => {
      if (!(await regularFiles(root, commit, path)).some((f) => f.path === path)) return undefined;
      return (await git(['cat-file', 'blob', `${commit}:${path}`], { cwd: root })).stdout;
    },
  };
}

/** Regular files (not symlinks or submodules: a checkout's list has only those) at or under `path` in a commit. */
async function regularFiles(root: string, commit: string, path: string): Promise<{ path: string; bytes: number }[]> {
  const pathspec = path === '' ? [] : ['--', path];
  const { stdout } = await git(['ls-tree', '-r', '-l', '-z', '--full-tree', commit, ...pathspec], { cwd: root, env: { GIT_LITERAL_PATHSPECS: '1' } });
  const found: { path: string; bytes: number }[] = [];
  for (const record of stdout.split('\0')) {
    // "<mode> blob <oid> <size>\t<path>"
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode, type, , size] = record.slice(0, tab).split(/\s+/);
    if (type === 'blob' && (mode === '100644' || mode === '100755')) found.push({ path: record.slice(tab + 1), bytes: Number(size) });
  }
  return found;
}

export interface PromptContext {
  readonly workstream: Workstream;
  readonly config: Pick<Config, 'base' | 'intent'>;
}

export async function collectPromptInput(
  r: PromptContext,
  step: WorkstreamStep,
  worktree: string,
  previous: PromptInput['previous'],
  source: PromptFiles = checkoutFiles(worktree),
): Promise<PromptInput> {
  const ids = r.workstream.phaseIds;
  const earlier: { phase: number; title: string; files: PromptFile[] }[] = [];
  let budget = MAX_TOTAL_BYTES;
  for (const id of ids.slice(0, ids.indexOf(step.phase))) {
    const prior = r.workstream.stepForPhase(id);
    if (prior === undefined) continue;
    const files: PromptFile[] = [];
    for (const glob of prior.outputs) {
      for (const { path, bytes } of await source.list(glob)) {
        const inline = bytes <= MAX_FILE_BYTES && bytes <= budget;
        const content = inline ? await source.read(path) : undefined;
        if (content !== undefined) budget -= bytes;
        files.push({ path, bytes, content });
      }
    }
    earlier.push({ phase: id, title: prior.title, files });
  }
  const target = step.gates.beforeAdvance;
  const gateChecks = r.workstream.gateChecks(target) ?? [];
  return {
    step,
    phaseCount: ids.length,
    position: ids.indexOf(step.phase) + 1,
    workstream: r.workstream.name,
    base: r.config.base,
    worktree,
    intentPath: r.config.intent,
    intent: await source.read(r.config.intent),
    earlier,
    gateLabel: targetLabel(target),
    gateChecks,
    schemas: inlineSchemas(gateChecks),
    previous,
  };
}
