// Synthetic repositories for the benchmarks, built with git fast-import (seconds, not minutes,
// for 50,000 commits). A repository is built once per run into a template directory; each
// measurement works on a copy or resets the template's state (see resetRepo).
import { execFileSync } from 'node:child_process';
import { accessSync, constants, mkdtempSync, rmSync, statfsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Where benchmark repositories live: tmpfs (/dev/shm) when the machine has one, else the
 * temporary directory; PHASERUNNER_BENCH_DIR overrides. Why not the disk: the phase benchmark
 * writes a 20,000-file checkout per phase, and on the shared machines' disk a burst of such
 * writes is throttled by writeback (a checkout measured 0.4 s alone and 5-14 s in a sustained
 * run), which buries what the runner itself costs under what the disk costs both variants.
 * The store benchmark, whose subject is fsync, always uses the disk (its own choice).
 */
export function benchRoot() {
  if (process.env.PHASERUNNER_BENCH_DIR) return process.env.PHASERUNNER_BENCH_DIR;
  try {
    accessSync('/dev/shm', constants.W_OK);
    return '/dev/shm';
  } catch {
    return tmpdir();
  }
}

/** A short description of the file system of `dir`: tmpfs or a disk. */
export function fsKind(dir) {
  const TMPFS = 0x01021994;
  return statfsSync(dir).type === TMPFS ? `tmpfs (${dir})` : `disk (${dir})`;
}

/**
 * Every directory a benchmark makes is removed when the process exits, whether the benchmarks
 * finished, one threw or the run was interrupted with Ctrl-C: they remove what they can as they
 * go (tmpfs is memory), and this takes the rest.
 */
const made = [];
const remember = (dir) => {
  made.push(dir);
  return dir;
};
process.on('exit', () => {
  for (const dir of made.splice(0)) removeDir(dir);
});
// Ctrl-C: exit (which runs the removal) rather than die where the signal finds us. It reaches
// the git or phaserunner child too, which ends at once: the benchmark then throws or this
// handler exits, within a moment either way. SIGTERM keeps its default (immediate death): a
// handler would only run once the synchronous work in progress yields, maybe minutes later.
process.once('SIGINT', () => process.exit(130));

/** A new empty directory under benchRoot(), removed at exit if the benchmark has not. */
export const benchTemp = (prefix) => remember(mkdtempSync(join(benchRoot(), `phaserunner-bench-${prefix}-`)));

/** A new empty directory in the temporary directory (the disk, not tmpfs), removed at exit if the benchmark has not. */
export const diskTemp = (prefix) => remember(mkdtempSync(join(tmpdir(), `phaserunner-bench-${prefix}-`)));

/** The runner's worktrees (see gitEnv): this process's own, created by phaserunner, removed at exit. */
const WORKTREES = remember(join(benchRoot(), `phaserunner-bench-worktrees-${process.pid}`));

/** The sizes the issue names: small (about 200 files) and large (about 20,000 files, 50,000 commits). */
export const SIZES = {
  small: { files: 200, commits: 1_000 },
  large: { files: 20_000, commits: 50_000 },
};

/**
 * A fixed identity and no user or system config: the machine's settings must not move the
 * numbers. Inherited GIT_* variables (a hook's GIT_DIR), editors and pagers are dropped, and so
 * is what `npm run` exports (npm_*, and EDITOR: simple-git refuses to run with it set).
 */
export const gitEnv = {
  ...Object.fromEntries(Object.entries(process.env).filter(([key]) => !/^(GIT_|npm_)|^(EDITOR|VISUAL|PAGER)$/i.test(key))),
  GIT_AUTHOR_NAME: 'bench',
  GIT_AUTHOR_EMAIL: 'bench@example.com',
  GIT_COMMITTER_NAME: 'bench',
  GIT_COMMITTER_EMAIL: 'bench@example.com',
  GIT_CONFIG_NOSYSTEM: '1',
  GIT_CONFIG_GLOBAL: '/dev/null',
  // The runner's worktrees go beside the benchmark repositories (tmpfs, see benchRoot), not
  // under HOME on the disk.
  PHASERUNNER_WORKTREES_DIR: WORKTREES,
};

export const INTENT = '# Bench project\n\nA service that stores notes and serves them over HTTP.\n';

export function git(dir, args, options = {}) {
  return execFileSync('git', args, { cwd: dir, env: gitEnv, encoding: 'utf8', maxBuffer: 1 << 30, ...options });
}

/** A path for the i-th of `files` files: 100 files per directory, as a real source tree spreads them. */
export const filePath = (i) => `src/m${String(Math.floor(i / 100)).padStart(3, '0')}/f${String(i % 100).padStart(2, '0')}.txt`;

/**
 * A repository on branch main with `files` files and `commits` commits: the first adds every
 * file (and INTENT.md and `extra`), each later one changes one file, round-robin. The work tree
 * is checked out. `extra` maps paths to contents (a .phaserunner/config.json, say).
 */
export function buildRepo({ files, commits, extra = {} }) {
  const dir = benchTemp('repo');
  git(dir, ['init', '-q', '-b', 'main']);
  const out = [];
  let t = 1_700_000_000;
  const data = (text) => `data ${Buffer.byteLength(text)}\n${text}`;
  const initial = [['INTENT.md', INTENT], ...Object.entries(extra)];
  for (let i = 0; i < files; i++) initial.push([filePath(i), `file ${i}\n`]);
  for (let c = 0; c < commits; c++) {
    out.push('commit refs/heads/main', `committer bench <bench@example.com> ${t++} +0000`, data(c === 0 ? 'Initial commit\n' : `Change ${c}\n`));
    const changes = c === 0 ? initial : [[filePath(c % files), `file ${c % files} changed at ${c}\n`]];
    for (const [path, text] of changes) out.push(`M 100644 inline ${path}`, data(text));
    out.push('');
  }
  git(dir, ['fast-import', '--quiet'], { input: out.join('\n') + '\n' });
  git(dir, ['reset', '-q', '--hard', 'main']);
  return dir;
}

/** Removes a benchmark directory; failures are ignored (a benchmark must not die tidying up). */
export function removeDir(dir) {
  rmSync(dir, { recursive: true, force: true, maxRetries: 3 });
}
