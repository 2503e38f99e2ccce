// What the bubblewrap sandbox of a command agent costs (`"sandbox": "bubblewrap"`,
// src/dispatch/sandbox.ts), measured against the same agent without it, interleaved:
// - start-up: a trivial agent (`true`) started directly, and through bwrap with the mounts a
//   real attempt gets (the layout built by the runner's own bubblewrapArgs, for a real
//   repository, worktree and run directory);
// - a phase: `phaserunner run --wait --until 1` on a fresh repository with the no-op agent of
//   the phase benchmark, without and with the sandbox (the sandbox's probe included).
// Needs bwrap (Debian: apt-get install bubblewrap).
//
//   node bench/sandbox.bench.mjs [--smoke]
import { spawnSync } from 'node:child_process';
import { cpSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, noopConfig, phaseFixtures } from './lib/fixtures.mjs';
import { benchTemp, buildRepo, git, gitEnv, removeDir } from './lib/repo.mjs';
import { interleaved, ms, ratio, table } from './lib/stats.mjs';

const FULL = { startRepeats: 41, phaseRepeats: 9 };
const SMOKE = { startRepeats: 2, phaseRepeats: 1 };
const SIZE = { files: 200, commits: 100 };

const progress = (line) => process.stderr.write(`sandbox: ${line}\n`);

function run(file, args, options = {}) {
  const r = spawnSync(file, args, { encoding: 'utf8', env: gitEnv, ...options });
  if (r.status !== 0) throw new Error(`${file} ${args.join(' ')} exited ${r.status}: ${r.error?.message ?? r.stderr}`);
  return r;
}

/** bwrap's arguments for an attempt of a real repository, as the runner lays the sandbox out. */
async function attemptLayout() {
  const { bubblewrapArgs } = await import(new URL('../dist/dispatch/sandbox.js', import.meta.url).href);
  const repo = buildRepo(SIZE);
  const state = join(repo, '.git', 'phaserunner');
  const runDir = join(state, 'runs', 'R1');
  mkdirSync(join(runDir, 'git-hooks'), { recursive: true });
  writeFileSync(join(runDir, 'prompt.md'), 'prompt\n');
  writeFileSync(join(runDir, 'refs-refused.log'), '');
  const worktrees = benchTemp('worktrees');
  const worktree = join(worktrees, '1-architecture-baseline');
  git(repo, ['worktree', 'add', '-q', '-b', 'phase-1', worktree]);
  const args = bubblewrapArgs({
    worktree,
    worktreeGitDir: join(repo, '.git', 'worktrees', '1-architecture-baseline'),
    visible: [repo, join(repo, '.git'), process.env.HOME ?? '/'],
    hidden: [state, worktrees],
    readable: [join(runDir, 'prompt.md'), join(runDir, 'git-hooks')],
    writable: [join(runDir, 'refs-refused.log')],
  });
  return { args, remove: () => [repo, worktrees].forEach(removeDir) };
}

async function startTimes(cfg) {
  const bwrap = run('sh', ['-c', 'command -v bwrap']).stdout.trim();
  const layout = await attemptLayout();
  try {
    progress(`a trivial agent, with and without the sandbox, ${cfg.startRepeats} repetitions`);
    const r = await interleaved(
      {
        direct: () => run('true', []),
        sandboxed: () => run(bwrap, [...layout.args, 'true']),
      },
      cfg.startRepeats,
    );
    return { directMs: r.direct.median, sandboxedMs: r.sandboxed.median, addedMs: r.sandboxed.median - r.direct.median, ratio: r.sandboxed.median / r.direct.median };
  } finally {
    layout.remove();
  }
}

async function phaseTimes(cfg) {
  const fixtures = phaseFixtures();
  let repo;
  try {
    progress(`phase 1 with the no-op agent, with and without the sandbox, ${cfg.phaseRepeats} repetitions`);
    // The no-op agent, reading the fixtures from the repository's git directory: the sandbox
    // shows that (read-only), where it hides the rest of /dev/shm.
    const noop = 'cp -R "$(git rev-parse --path-format=absolute --git-common-dir)/bench-fixtures/phase-$1/." .';
    const config = (sandbox) => JSON.stringify({ ...noopConfig(fixtures), agents: { noop: { type: 'command', argv: ['sh', '-c', noop, 'sh', '{phase}'], stdin: false, sandbox } } });
    const r = await interleaved(
      {
        none: () => run(process.execPath, [CLI, 'run', '--wait', '--until', '1'], { cwd: repo }),
        bubblewrap: () => run(process.execPath, [CLI, 'run', '--wait', '--until', '1'], { cwd: repo }),
      },
      cfg.phaseRepeats,
      (variant) => {
        if (repo !== undefined) removeDir(repo);
        repo = buildRepo({ ...SIZE, extra: { '.phaserunner/config.json': config(variant) } });
        cpSync(fixtures, join(repo, '.git', 'bench-fixtures'), { recursive: true });
      },
    );
    return { noneMs: r.none.median, bubblewrapMs: r.bubblewrap.median, addedMs: r.bubblewrap.median - r.none.median, ratio: r.bubblewrap.median / r.none.median };
  } finally {
    if (repo !== undefined) removeDir(repo);
    removeDir(fixtures);
  }
}

export async function runSandboxBench({ smoke = false } = {}) {
  const cfg = smoke ? SMOKE : FULL;
  return { mode: smoke ? 'smoke' : 'full', ...cfg, start: await startTimes(cfg), phase: await phaseTimes(cfg) };
}

export function formatSandbox(r) {
  const rows = [
    ['', 'without', 'with bubblewrap', 'added', 'ratio'],
    [`a trivial agent's start (medians of ${r.startRepeats})`, ms(r.start.directMs), ms(r.start.sandboxedMs), ms(r.start.addedMs), ratio(r.start.ratio)],
    [`phase 1, no-op agent (medians of ${r.phaseRepeats})`, ms(r.phase.noneMs), ms(r.phase.bubblewrapMs), ms(r.phase.addedMs), ratio(r.phase.ratio)],
  ];
  return [`The bubblewrap sandbox (${r.mode}; interleaved):`, table(rows).replace(/^/gm, '  ')].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatSandbox(await runSandboxBench({ smoke: process.argv.includes('--smoke') })));
}
