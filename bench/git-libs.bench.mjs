// Which way to drive git, per operation phaserunner uses: the git CLI spawned through
// node:child_process (what src/git/exec.ts does), the same CLI calls through execa 9, simple-git,
// or isomorphic-git (git reimplemented in JavaScript). Measured on synthetic repositories (small
// and large, bench/lib/repo.mjs), interleaved round-robin so a noisy neighbour on the shared
// machine falls on every variant alike; every figure is a median, and every ratio is against
// the child_process variant measured in the same run.
//
// Each timed call's answer is checked (untimed) against the git CLI's: a fast wrong answer is not
// a result. Ops that change the repository get the same fresh state before every call.
//
//   node bench/git-libs.bench.mjs [--smoke]
//
// Prints a table (progress goes to stderr) and writes no file. The bench-only packages are
// installed on first use into node_modules/.cache (bench/lib/deps.mjs), not into the project.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import { benchDeps } from './lib/deps.mjs';
import { buildRepo, diskTemp, filePath, git, gitEnv, removeDir, SIZES } from './lib/repo.mjs';
import { interleaved, ms, ratio, table } from './lib/stats.mjs';

const SMOKE_SIZES = { small: { files: 50, commits: 100 }, large: { files: 200, commits: 500 } };
// Large-repo calls of isomorphic-git take seconds each (a status ~3 s), hence fewer repeats there.
const REPEATS = { full: { small: 15, large: 7, import: 11 }, smoke: { small: 2, large: 2, import: 2 } };

export const LIBS = ['child_process', 'execa', 'simple-git', 'isomorphic-git', 'isomorphic-git+cache'];
const BASE = 'child_process';
const LOG_COUNT = 1_000;
const AUTHOR = { name: 'bench', email: 'bench@example.com' };

// The environment phaserunner's git() gives git, less its config entries: those turn hooks off
// and fsync objects and refs, which isomorphic-git cannot do, so they would tilt the numbers.
const env = { ...gitEnv, GIT_TERMINAL_PROMPT: '0', GIT_OPTIONAL_LOCKS: '0', LC_ALL: 'C' };

const progress = (line) => process.stderr.write(`git-libs: ${line}\n`);
const sleep = (msec) => new Promise((resolve) => setTimeout(resolve, msec));
const round = (x) => Math.round(x * 100) / 100;

/** Spawns git the way src/git/exec.ts does (spawn, own process group, stdout gathered in buffers). */
function spawnGit(args, cwd) {
  return new Promise((resolve, reject) => {
    const child = spawn('git', args, { cwd, env, stdio: ['pipe', 'pipe', 'pipe'], detached: true });
    const out = [];
    const err = [];
    child.stdout.on('data', (chunk) => out.push(chunk));
    child.stderr.on('data', (chunk) => err.push(chunk));
    child.on('error', reject);
    child.on('close', (code) => {
      if (code === 0) resolve(Buffer.concat(out).toString('utf8'));
      else reject(new Error(`git ${args.join(' ')} exited ${code}: ${Buffer.concat(err).toString('utf8').trim()}`));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end();
  });
}

/** `{ ok, value }` or `{ ok: false, error }`: for the correctness check, which records failures. */
async function attempt(fn) {
  try {
    return { ok: true, value: await fn() };
  } catch (error) {
    return { ok: false, error: `${error.code ?? error.name}: ${error.message}` };
  }
}

function assertEqual(actual, expected, what) {
  const a = JSON.stringify(actual);
  const e = JSON.stringify(expected);
  if (a !== e) throw new Error(`${what}: got ${a.slice(0, 300)}, expected ${e.slice(0, 300)}`);
}

// --- parsers for the CLI variants (they do what the libraries' parsing does for them) ---

/** `git log -z --format=%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%B`: one record per commit. */
function parseLog(text) {
  return text
    .split('\0')
    .filter((record) => record !== '')
    .map((record) => {
      const [oid, parents, name, email, time, message] = record.split('\x1f');
      return { oid, parents: parents === '' ? [] : parents.split(' '), author: { name, email, timestamp: Number(time) }, message };
    });
}

/** Paths `git status --porcelain=v2 -z` reports (a rename entry is followed by its old path). */
function parseStatusV2(text) {
  const fields = text.split('\0');
  const paths = [];
  for (let i = 0; i < fields.length; i++) {
    const field = fields[i];
    if (field === '' || field.startsWith('#')) continue;
    const kind = field[0];
    const skip = { 1: 8, 2: 9, u: 10, '?': 1, '!': 1 }[kind];
    paths.push(field.split(' ').slice(skip).join(' '));
    if (kind === '2') i++;
  }
  return paths.sort();
}

/** isomorphic-git's statusMatrix rows other than unchanged ([path, 1, 1, 1]). */
const changedRows = (matrix) =>
  matrix
    .filter(([, head, workdir, stage]) => !(head === 1 && workdir === 1 && stage === 1))
    .map(([path]) => path)
    .sort();

// --- measuring ---

/**
 * Runs `variants` (name -> async fn returning the op's answer) interleaved. Before each timed
 * call, untimed: `verify(name, answer)` on the previous call's answer (so each one is checked,
 * not just the last), then `reset(name)` to give this call the op's fresh state.
 */
async function runOp({ variants, repeats, reset, verify }) {
  const answers = {};
  let pending;
  const settle = async () => {
    if (pending !== undefined) await verify(pending, answers[pending]);
    pending = undefined;
  };
  const timed = Object.fromEntries(
    Object.entries(variants).map(([name, fn]) => [
      name,
      async () => {
        answers[name] = await fn();
      },
    ]),
  );
  const stats = await interleaved(timed, repeats, async (name) => {
    await settle();
    if (reset) await reset(name);
    pending = name;
  });
  await settle();
  return stats;
}

/** One op's row of results: median ms and ratio to child_process per library, or a note. */
function opResult(op, size, stats, notes = {}) {
  const base = stats[BASE].median;
  const libs = {};
  for (const lib of LIBS) {
    const s = stats[lib];
    libs[lib] = s
      ? { medianMs: round(s.median), ratio: round(s.median / base), samplesMs: s.samples.map(round), ...(notes[lib] ? { note: notes[lib] } : {}) }
      : { medianMs: null, ratio: null, note: notes[lib] ?? 'not measured' };
  }
  return { op, size, libs };
}

/** Wall time of a fresh `node` importing each library, less a bare `node -e ''`. */
async function measureImports(deps, repeats) {
  const importIn = (specifier) => () => {
    const result = spawnSync(process.execPath, ['--input-type=module', '-e', `await import(${JSON.stringify(specifier)})`], { stdio: 'ignore' });
    if (result.status !== 0) throw new Error(`importing ${specifier} in a fresh node failed`);
  };
  const variants = {
    baseline: () => spawnSync(process.execPath, ['-e', ''], { stdio: 'ignore' }),
    child_process: importIn('node:child_process'),
    execa: importIn(deps.resolve('execa')),
    'simple-git': importIn(deps.resolve('simple-git')),
    'isomorphic-git': importIn(deps.resolve('isomorphic-git')),
  };
  const stats = await interleaved(variants, repeats);
  const baselineMs = stats.baseline.median;
  const libs = {};
  for (const lib of ['child_process', 'execa', 'simple-git', 'isomorphic-git']) {
    libs[lib] = { medianMs: round(stats[lib].median), overBaselineMs: round(stats[lib].median - baselineMs), samplesMs: stats[lib].samples.map(round) };
  }
  libs['isomorphic-git+cache'] = { ...libs['isomorphic-git'], note: 'the same package' };
  return {
    baselineMs: round(baselineMs),
    repeats,
    note: 'The libraries are imported with `node --input-type=module -e "await import(...)"`; the node:child_process row is that same ESM eval start-up, so a library costs its row minus that one.',
    libs,
  };
}

/** The ops on one repository: resolve, blob, log, status, commit, merge (in that order). */
async function measureRepo({ size, files, commits, repeats, lib }) {
  const { execa, simpleGit, iso } = lib;
  progress(`building the ${size} repository (${files} files, ${commits} commits)`);
  const dir = buildRepo({ files, commits });
  try {
    const cli = (args, options = {}) => git(dir, args, { env, ...options });
    const base = cli(['rev-parse', 'refs/heads/main']).trim();
    const resetToBase = () => cli(['reset', '-q', '--hard', base]);
    const viaSpawn = (args) => spawnGit(args, dir);
    const viaExeca = async (args) => (await execa('git', args, { cwd: dir, env })).stdout;
    // simple-git refuses, by default, an environment that sets GIT_CONFIG_GLOBAL (ours points it
    // at /dev/null), as it would GIT_CONFIG_COUNT (how phaserunner turns hooks off): allowed here.
    const sg = simpleGit({ baseDir: dir, unsafe: { allowUnsafeConfigPaths: true } }).env(env);
    // One cache for the whole repository, as a long-running process would keep: isomorphic-git
    // otherwise reads and indexes the pack file again on every call.
    const cache = {};
    const isoArgs = (cached) => (cached ? { fs, dir, cache } : { fs, dir });
    const results = [];
    const measure = async (op, spec, notes) => {
      progress(`${size}: ${op}`);
      results.push(opResult(op, size, await runOp({ repeats, ...spec }), notes));
    };

    // Resolve a ref.
    await measure(
      'resolve ref',
      {
        variants: {
          child_process: async () => (await viaSpawn(['rev-parse', 'refs/heads/main'])).trim(),
          execa: async () => (await viaExeca(['rev-parse', 'refs/heads/main'])).trim(),
          'simple-git': () => sg.revparse(['refs/heads/main']),
          'isomorphic-git': () => iso.resolveRef({ fs, dir, ref: 'refs/heads/main' }),
        },
        verify: (name, oid) => assertEqual(oid, base, `${name} resolve`),
      },
      { 'isomorphic-git+cache': 'resolveRef reads a ref file, no objects: nothing to cache' },
    );

    // One file's blob at a commit some way back.
    const at = cli(['rev-parse', `main~${Math.min(50, commits - 1)}`]).trim();
    const path = filePath(7);
    const blob = cli(['cat-file', 'blob', `${at}:${path}`]);
    const readBlob = (cached) => async () => Buffer.from((await iso.readBlob({ ...isoArgs(cached), oid: at, filepath: path })).blob).toString('utf8');
    await measure('read blob at commit', {
      variants: {
        child_process: () => viaSpawn(['cat-file', 'blob', `${at}:${path}`]),
        // execa strips the final newline by default; phaserunner would want the bytes as stored.
        execa: async () => (await execa('git', ['cat-file', 'blob', `${at}:${path}`], { cwd: dir, env, stripFinalNewline: false })).stdout,
        'simple-git': () => sg.catFile(['blob', `${at}:${path}`]),
        'isomorphic-git': readBlob(false),
        'isomorphic-git+cache': readBlob(true),
      },
      verify: (name, text) => assertEqual(text, blob, `${name} blob`),
    });

    // The last 1,000 commits with their messages.
    const logArgs = ['log', '-z', `-n${LOG_COUNT}`, '--format=%H%x1f%P%x1f%an%x1f%ae%x1f%at%x1f%B', 'refs/heads/main'];
    const expectedLog = parseLog(cli(logArgs)).map((c) => c.oid);
    const isoLog = (cached) => async () => (await iso.log({ ...isoArgs(cached), ref: 'refs/heads/main', depth: LOG_COUNT })).map((c) => c.oid);
    await measure('log 1,000 commits', {
      variants: {
        child_process: async () => parseLog(await viaSpawn(logArgs)).map((c) => c.oid),
        execa: async () => parseLog(await viaExeca(logArgs)).map((c) => c.oid),
        'simple-git': async () => (await sg.log({ maxCount: LOG_COUNT })).all.map((c) => c.hash),
        'isomorphic-git': isoLog(false),
        'isomorphic-git+cache': isoLog(true),
      },
      verify: (name, oids) => {
        assertEqual(oids.length, Math.min(LOG_COUNT, commits), `${name} log length`);
        assertEqual(oids, expectedLog, `${name} log`);
      },
    });

    // Status of the checkout with one modified file. The index is rewritten over a second after
    // the checkout so that no entry is "racily clean" (same mtime as the index), which would make
    // git hash every such file on every status, as no real checkout that old does.
    resetToBase();
    await sleep(1_100);
    cli(['update-index', '-q', '--refresh']);
    const modified = filePath(3);
    fs.writeFileSync(join(dir, modified), 'modified for the status benchmark\n');
    const isoStatus = (cached) => async () => changedRows(await iso.statusMatrix(isoArgs(cached)));
    await measure('status (1 modified)', {
      variants: {
        child_process: async () => parseStatusV2(await viaSpawn(['status', '--porcelain=v2', '-z'])),
        execa: async () => parseStatusV2(await viaExeca(['status', '--porcelain=v2', '-z'])),
        'simple-git': async () => (await sg.status()).files.map((f) => f.path).sort(),
        'isomorphic-git': isoStatus(false),
        'isomorphic-git+cache': isoStatus(true),
      },
      verify: (name, paths) => assertEqual(paths, [modified], `${name} status`),
    });

    // add + commit of three files (two changed, one new), from the same base commit every time.
    const toCommit = [filePath(11), filePath(12), 'planning/bench-notes.md'];
    let commitRound = 0;
    const isoCommit = (cached) => async () => {
      await iso.add({ ...isoArgs(cached), filepath: toCommit });
      return iso.commit({ ...isoArgs(cached), message: 'bench commit', author: AUTHOR });
    };
    const sgCommitNote = 'git add prints nothing, and simple-git waits 50 ms more after any command that printed nothing (its completion-detection plugin; hard-coded in 3.36.0, no option turns it off)';
    await measure('add + commit 3 files', {
      variants: {
        child_process: async () => {
          await viaSpawn(['add', '--', ...toCommit]);
          await viaSpawn(['commit', '-q', '-m', 'bench commit']);
        },
        execa: async () => {
          await viaExeca(['add', '--', ...toCommit]);
          await viaExeca(['commit', '-q', '-m', 'bench commit']);
        },
        'simple-git': async () => {
          await sg.add(toCommit);
          await sg.commit('bench commit');
        },
        'isomorphic-git': isoCommit(false),
        'isomorphic-git+cache': isoCommit(true),
      },
      reset: (name) => {
        resetToBase();
        commitRound++;
        fs.mkdirSync(join(dir, 'planning'), { recursive: true });
        for (const p of toCommit) fs.writeFileSync(join(dir, p), `${p} by ${name}, round ${commitRound}\n`);
      },
      // The branch moved one commit, on the base, with exactly these files, and index and work
      // tree agree with it (a library that wrote a tree git cannot read would show here).
      verify: (name) => {
        assertEqual(cli(['rev-parse', 'refs/heads/main^']).trim(), base, `${name} commit parent`);
        assertEqual(cli(['diff-tree', '--no-commit-id', '-r', '--name-only', base, 'refs/heads/main']).trim().split('\n').sort(), [...toCommit].sort(), `${name} commit files`);
        assertEqual(cli(['status', '--porcelain']), '', `${name} status after commit`);
      },
    }, { 'simple-git': sgCommitNote });
    resetToBase();

    // A merge of a branch into main without a checkout: two branches off the base, each
    // changing a file in a different directory (theirs also adds one). main is reset to ours
    // before every call; the work tree is not involved.
    const branches = (name, parent, changes, t) => {
      const data = (text) => `data ${Buffer.byteLength(text)}\n${text}`;
      return [`commit refs/heads/${name}`, `committer bench <bench@example.com> ${t} +0000`, data(`${name}\n`), `from ${parent}`, ...changes.flatMap(([p, text]) => [`M 100644 inline ${p}`, data(text)]), ''];
    };
    const input = [
      ...branches('bench-ours', base, [[filePath(1), 'ours\n']], 1_800_000_000),
      ...branches('feature', base, [[filePath(files - 1), 'theirs\n'], ['planning/feature.md', 'feature\n']], 1_800_000_001),
    ].join('\n');
    cli(['fast-import', '--quiet'], { input: input + '\n' });
    const ours = cli(['rev-parse', 'refs/heads/bench-ours']).trim();
    const theirs = cli(['rev-parse', 'refs/heads/feature']).trim();
    const mergedTree = cli(['merge-tree', '--write-tree', ours, theirs]).trim();
    const plumbingMerge = (run) => async () => {
      const tree = (await run(['merge-tree', '--write-tree', 'refs/heads/main', 'refs/heads/feature'])).split('\n')[0].trim();
      const commit = (await run(['commit-tree', tree, '-p', 'refs/heads/main', '-p', 'refs/heads/feature', '-m', 'Merge feature'])).trim();
      await run(['update-ref', '-m', 'bench merge', 'refs/heads/main', commit, ours]);
    };
    const isoMerge = (cached) => () => iso.merge({ ...isoArgs(cached), ours: 'main', theirs: 'feature', fastForward: false, message: 'Merge feature', author: AUTHOR });
    await measure(
      'merge (no checkout)',
      {
        variants: {
          child_process: plumbingMerge(viaSpawn),
          execa: plumbingMerge(viaExeca),
          'simple-git': plumbingMerge((args) => sg.raw(args)),
          'isomorphic-git': isoMerge(false),
          'isomorphic-git+cache': isoMerge(true),
        },
        reset: () => cli(['update-ref', 'refs/heads/main', ours]),
        verify: (name) => {
          assertEqual(cli(['log', '-1', '--format=%P %T', 'refs/heads/main']).trim(), `${ours} ${theirs} ${mergedTree}`, `${name} merge`);
        },
      },
      {
        'simple-git':
          "no in-memory merge: simple-git's merge() runs `git merge`, which needs main checked out; measured: the same merge-tree + commit-tree + update-ref through git.raw() (update-ref prints nothing: simple-git adds 50 ms, see the commit note)",
      },
    );
    cli(['update-ref', 'refs/heads/main', base]);
    resetToBase();

    const worktreeCheck = size === 'small' ? await checkWorktree(dir, iso) : undefined;
    return { results, worktreeCheck };
  } finally {
    removeDir(dir);
  }
}

/**
 * Does isomorphic-git see a commit made inside a `git worktree add` checkout? A worktree is
 * made and committed in with the git CLI; isomorphic-git is then asked for the branch from the
 * main checkout and from the worktree. Then, the other way round, isomorphic-git commits in the
 * worktree and the git CLI is asked whether that commit reached the branch.
 */
async function checkWorktree(dir, iso) {
  progress('worktree correctness check');
  const holder = diskTemp('wt');
  const wt = join(holder, 'wt');
  const branch = 'bench-wt';
  const ref = `refs/heads/${branch}`;
  try {
    git(dir, ['worktree', 'add', '-q', '-b', branch, wt, 'main'], { env });
    fs.writeFileSync(join(wt, 'from-worktree.txt'), 'committed inside the worktree\n');
    git(wt, ['add', 'from-worktree.txt'], { env });
    git(wt, ['commit', '-q', '-m', 'commit inside the worktree'], { env });
    const cliTip = git(dir, ['rev-parse', ref], { env }).trim();
    const cliParent = git(dir, ['rev-parse', `${ref}^`], { env }).trim();
    const wtGitDir = git(wt, ['rev-parse', '--absolute-git-dir'], { env }).trim();

    const logOids = async (d, r) => (await iso.log({ fs, dir: d, ref: r, depth: 2 })).map((c) => c.oid);
    const sees = (answer, expected) => answer.ok && JSON.stringify(answer.value) === JSON.stringify(expected);
    const fromMain = {
      resolveBranch: await attempt(() => iso.resolveRef({ fs, dir, ref })),
      logBranch: await attempt(() => logOids(dir, ref)),
    };
    const fromWorktree = {
      resolveHead: await attempt(() => iso.resolveRef({ fs, dir: wt, ref: 'HEAD' })),
      resolveBranch: await attempt(() => iso.resolveRef({ fs, dir: wt, ref })),
      logHead: await attempt(() => logOids(wt, 'HEAD')),
      currentBranch: await attempt(() => iso.currentBranch({ fs, dir: wt, fullname: true })),
    };

    // The reverse: isomorphic-git commits in the worktree; does git see it on the branch?
    fs.writeFileSync(join(wt, 'from-isomorphic-git.txt'), 'committed by isomorphic-git\n');
    const isoCommit = await attempt(async () => {
      await iso.add({ fs, dir: wt, filepath: 'from-isomorphic-git.txt' });
      return iso.commit({ fs, dir: wt, message: 'isomorphic-git commit inside the worktree', author: AUTHOR });
    });
    const afterIsoCommit = {
      isoCommit,
      branchPerGit: git(dir, ['rev-parse', ref], { env }).trim(),
      objectInSharedStore: isoCommit.ok ? spawnSync('git', ['cat-file', '-e', `${isoCommit.value}^{commit}`], { cwd: dir, env }).status === 0 : null,
      isoCommitParents: isoCommit.ok ? (await attempt(async () => (await iso.readCommit({ fs, dir: wt, oid: isoCommit.value })).commit.parent)) : null,
      // Where isomorphic-git put the branch and the objects: the worktree's private git dir
      // (which git reads only HEAD, index and a few per-worktree files from) or the shared one.
      refWrittenInWorktreeGitDir: fs.existsSync(join(wtGitDir, ref)),
      objectsDirInWorktreeGitDir: fs.existsSync(join(wtGitDir, 'objects')),
    };
    afterIsoCommit.gitSeesIt = afterIsoCommit.branchPerGit === isoCommit.value;

    const verdict = [
      `from the main checkout isomorphic-git ${sees(fromMain.resolveBranch, cliTip) && sees(fromMain.logBranch, [cliTip, cliParent]) ? 'sees' : 'does NOT see'} the worktree's commit`,
      `from the worktree it ${sees(fromWorktree.resolveHead, cliTip) && sees(fromWorktree.logHead, [cliTip, cliParent]) ? 'sees' : 'does NOT see'} it`,
      `a commit isomorphic-git makes in the worktree ${afterIsoCommit.gitSeesIt ? 'is' : 'is NOT'} on the branch for git`,
    ].join('; ');
    return { worktreeGitDir: wtGitDir, cliBranchTip: cliTip, cliBranchParent: cliParent, fromMainDir: fromMain, fromWorktreeDir: fromWorktree, isoCommitInWorktree: afterIsoCommit, verdict };
  } finally {
    spawnSync('git', ['worktree', 'remove', '--force', '--force', wt], { cwd: dir, env });
    removeDir(holder);
  }
}

/** The whole benchmark; returns a plain JSON-able object (and prints nothing to stdout). */
export async function runGitLibsBench({ smoke = false } = {}) {
  const started = performance.now();
  const mode = smoke ? 'smoke' : 'full';
  const sizes = smoke ? SMOKE_SIZES : SIZES;
  const repeats = REPEATS[mode];
  const deps = await benchDeps();
  const [{ execa }, { simpleGit }, isoModule] = await Promise.all(['execa', 'simple-git', 'isomorphic-git'].map((name) => deps.import(name)));
  const lib = { execa, simpleGit, iso: isoModule.default };

  progress(`import cost (${repeats.import} fresh node processes each)`);
  const importCost = await measureImports(deps, repeats.import);
  const ops = [];
  let worktreeCheck;
  for (const size of ['small', 'large']) {
    const measured = await measureRepo({ size, ...sizes[size], repeats: repeats[size], lib });
    ops.push(...measured.results);
    worktreeCheck ??= measured.worktreeCheck;
  }
  return {
    mode,
    environment: {
      node: process.version,
      git: git(tmpdir(), ['version']).trim(),
      platform: `${process.platform} ${process.arch}`,
      cpus: cpus().length,
    },
    versions: deps.versions,
    sizes,
    repeats,
    importCost,
    ops,
    worktreeCheck,
    notes: {
      'child_process': 'spawn() as src/git/exec.ts does; ratios are against this variant, measured in the same run',
      execa: 'the same git CLI calls as child_process, through execa()',
      'isomorphic-git': 'no cache between calls: each call reads the pack index and objects afresh, as a CLI run doing one operation would',
      'isomorphic-git+cache': 'one `cache` object kept across calls, as a long-running process could; its first call is cold',
      'simple-git (env)':
        'refuses GIT_CONFIG_GLOBAL/GIT_CONFIG_SYSTEM/GIT_CONFIG in the environment unless unsafe.allowUnsafeConfigPaths, and GIT_CONFIG_COUNT (phaserunner\'s hooks-off and fsync config) unless unsafe.allowUnsafeConfigEnvCount',
      env: 'git gets a fixed identity, no user or system config, GIT_OPTIONAL_LOCKS=0 and LC_ALL=C; not the hooks-off and fsync config phaserunner adds (isomorphic-git has neither)',
    },
    totalMs: Math.round(performance.now() - started),
  };
}

// --- printing ---

export function formatGitLibs(r) {
  const lines = [];
  const s = r.sizes;
  lines.push(`git-libs bench (${r.mode}): ${r.environment.node}, ${r.environment.git}, ${r.environment.cpus} cpus; ${Object.entries(r.versions).map(([n, v]) => `${n} ${v}`).join(', ')}`);
  lines.push(`small: ${s.small.files} files, ${s.small.commits} commits; large: ${s.large.files} files, ${s.large.commits} commits; medians of ${r.repeats.small} (small) / ${r.repeats.large} (large), interleaved`);
  lines.push('');
  lines.push(`Import cost in a fresh node, over \`node -e ''\` (${ms(r.importCost.baselineMs)}), median of ${r.importCost.repeats}:`);
  const imports = ['child_process', 'execa', 'simple-git', 'isomorphic-git'];
  lines.push(table([imports, imports.map((l) => `+${ms(r.importCost.libs[l].overBaselineMs)}`)]).replace(/^/gm, '  '));
  lines.push('');
  lines.push('Per operation: median, and ratio to child_process');
  const notes = [];
  const rows = [['op', 'size', ...LIBS]];
  for (const op of r.ops) {
    rows.push([
      op.op,
      op.size,
      ...LIBS.map((l) => {
        const x = op.libs[l];
        let cell = x.medianMs === null ? 'n/a' : `${ms(x.medianMs)} ${ratio(x.ratio)}`;
        if (x.note) {
          notes.push(`[${notes.length + 1}] ${op.op}, ${op.size}, ${l}: ${x.note}`);
          cell += ` [${notes.length}]`;
        }
        return cell;
      }),
    ]);
  }
  lines.push(table(rows));
  lines.push(...notes);
  for (const [lib, note] of Object.entries(r.notes)) lines.push(`${lib}: ${note}`);
  if (r.worktreeCheck) {
    const w = r.worktreeCheck;
    const show = (a) => (a === null ? 'n/a' : a.ok ? JSON.stringify(a.value) : `error ${a.error}`);
    lines.push('');
    lines.push(`Worktree check: ${w.verdict}.`);
    lines.push(`  git CLI: the branch is at ${w.cliBranchTip} (parent ${w.cliBranchParent})`);
    lines.push(`  isomorphic-git from the main checkout: resolveRef ${show(w.fromMainDir.resolveBranch)}; log ${show(w.fromMainDir.logBranch)}`);
    lines.push(`  isomorphic-git from the worktree: resolveRef HEAD ${show(w.fromWorktreeDir.resolveHead)}; resolveRef branch ${show(w.fromWorktreeDir.resolveBranch)}; log HEAD ${show(w.fromWorktreeDir.logHead)}; currentBranch ${show(w.fromWorktreeDir.currentBranch)}`);
    const c = w.isoCommitInWorktree;
    lines.push(`  isomorphic-git commit in the worktree: ${show(c.isoCommit)}, parents ${show(c.isoCommitParents)}; git's branch afterwards ${c.branchPerGit}; object in the shared store: ${c.objectInSharedStore}; ref written under the worktree's git dir: ${c.refWrittenInWorktreeGitDir}; objects dir there: ${c.objectsDirInWorktreeGitDir}`);
  }
  lines.push('');
  lines.push(`Total: ${(r.totalMs / 1000).toFixed(1)} s`);
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const results = await runGitLibsBench({ smoke: process.argv.includes('--smoke') });
  console.log(formatGitLibs(results));
}
