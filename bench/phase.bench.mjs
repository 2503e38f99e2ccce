// The runner's own cost per phase: `phaserunner run --wait` through planning phases 1-4 with a
// no-op agent (it copies finished outputs into its worktree: bench/lib/fixtures.mjs), against
// bench/baseline-phases.sh doing the same git operations with the git CLI alone and the same
// agent. Both start from the same repository state before every repetition, interleaved so a
// noisy neighbour on the shared machine falls on both alike. Everything is a median; every
// ratio is against the baseline measured in the same run.
//
// Also the curves: the same with the history growing (1,000 to 50,000 commits) and with phase
// 1's outputs growing (10 to 2,000 files).
//
//   node bench/phase.bench.mjs [--smoke]
import { spawnSync } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, noopConfig, phaseFixtures } from './lib/fixtures.mjs';
import { benchRoot, buildRepo, fsKind, git, gitEnv, removeDir, SIZES } from './lib/repo.mjs';
import { interleaved, ms, ratio, table } from './lib/stats.mjs';

const BASELINE = fileURLToPath(new URL('baseline-phases.sh', import.meta.url));
const PHASES = [1, 2, 3, 4].map((id) => {
  const dir = fileURLToPath(new URL('../phases/', import.meta.url));
  const file = readdirSync(dir).find((f) => f.startsWith(`${id}-`));
  return { id, name: JSON.parse(readFileSync(join(dir, file), 'utf8')).name };
});

const FULL = {
  sizes: SIZES,
  repeats: { small: 7, large: 5 },
  history: [1_000, 5_000, 20_000, 50_000],
  outputs: [10, 100, 500, 2_000],
  curveRepeats: 3,
};
const SMOKE = {
  sizes: { small: { files: 50, commits: 100 }, large: { files: 500, commits: 1_000 } },
  repeats: { small: 1, large: 1 },
  history: [100, 1_000],
  outputs: [10, 50],
  curveRepeats: 1,
};

const progress = (line) => process.stderr.write(`phase: ${line}\n`);

/** A benchmark repository: `files` files, `commits` commits, the no-op agent configured. */
function benchRepo(size, fixtures) {
  const dir = buildRepo({ ...size, extra: { '.phaserunner/config.json': JSON.stringify(noopConfig(fixtures), null, 2) + '\n' } });
  // Automatic gc would start at a random repetition (loose objects pile up) and land on one
  // variant's time only. Off for both; phaserunner does not run it itself.
  git(dir, ['config', 'gc.auto', '0']);
  git(dir, ['config', 'maintenance.auto', 'false']);
  return { dir, base: git(dir, ['rev-parse', 'main']).trim() };
}

/** Back to the state before any phase: main at its first tip, no phase branches, no state. */
function resetRepo({ dir, base }) {
  removeDir(join(dir, '.git', 'phaserunner'));
  removeDir(join(dir, '.git', 'bench-worktrees'));
  git(dir, ['worktree', 'prune']);
  const refs = git(dir, ['for-each-ref', '--format=%(refname)', 'refs/heads/phaserunner/', 'refs/heads/bench/', 'refs/phaserunner/']).trim();
  if (refs !== '') git(dir, ['update-ref', '--stdin'], { input: refs.split('\n').map((r) => `delete ${r}\n`).join('') });
  git(dir, ['reset', '-q', '--hard', base]);
}

function check(result, what) {
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}: ${result.stderr}`);
}

/** The two variants for phases 1..`until`, each checked afterwards: every phase merged into main. */
function variants(repo, fixtures, until) {
  const phases = PHASES.filter((p) => p.id <= until);
  return {
    runner: () =>
      check(spawnSync(process.execPath, [CLI, 'run', '--wait', '--until', String(until)], { cwd: repo.dir, env: gitEnv, encoding: 'utf8' }), 'phaserunner run'),
    baseline: () =>
      check(spawnSync('sh', [BASELINE, repo.dir, fixtures, ...phases.map((p) => `${p.id}:${p.name}`)], { env: gitEnv, encoding: 'utf8' }), 'the baseline script'),
  };
}

/** Merges on main since the base: each variant must have merged every phase, or its time means nothing. */
function mergesSinceBase(repo) {
  return Number(git(repo.dir, ['rev-list', '--count', '--merges', `${repo.base}..main`]).trim());
}

async function measure(repo, fixtures, until, repeats) {
  const fns = variants(repo, fixtures, until);
  // Each call is checked, untimed, before the next one's reset: a variant that merged fewer
  // phases than asked did not do the work, and its time means nothing.
  let pending;
  const verify = () => {
    if (pending === undefined) return;
    const merges = mergesSinceBase(repo);
    if (merges !== until) throw new Error(`${pending} merged ${merges} phases, expected ${until}`);
    pending = undefined;
  };
  const timed = Object.fromEntries(
    Object.entries(fns).map(([name, fn]) => [
      name,
      () => {
        fn();
        pending = name;
      },
    ]),
  );
  const r = await interleaved(timed, repeats, () => {
    verify();
    resetRepo(repo);
  });
  verify();
  resetRepo(repo);
  return {
    runnerMs: r.runner.median,
    baselineMs: r.baseline.median,
    ratio: r.runner.median / r.baseline.median,
    overheadPerPhaseMs: (r.runner.median - r.baseline.median) / until,
    samples: { runner: r.runner.samples, baseline: r.baseline.samples },
  };
}

/**
 * Per size: phases 1-4 in one `run --wait`. On the small repository also phase 1 alone: from
 * the two, the runner's fixed cost per invocation (start-up, store, history) and its cost per
 * further phase. (On the large one, a phase's checkout dominates and its noise would swamp that
 * split, so it is not made there.)
 */
async function perPhase(cfg, fixtures) {
  const sizes = {};
  for (const [name, size] of Object.entries(cfg.sizes)) {
    progress(`building the ${name} repository (${size.files} files, ${size.commits} commits)`);
    const repo = benchRepo(size, fixtures);
    progress(`${name}: phases 1-4, ${cfg.repeats[name]} repetitions`);
    const four = await measure(repo, fixtures, 4, cfg.repeats[name]);
    sizes[name] = { ...size, fourPhases: four };
    if (name === 'small') {
      progress(`${name}: phase 1 alone, ${cfg.repeats[name]} repetitions`);
      const one = await measure(repo, fixtures, 1, cfg.repeats[name]);
      const perFurther = (x4, x1) => (x4 - x1) / 3;
      Object.assign(sizes[name], {
        onePhase: one,
        runnerPerFurtherPhaseMs: perFurther(four.runnerMs, one.runnerMs),
        baselinePerFurtherPhaseMs: perFurther(four.baselineMs, one.baselineMs),
        runnerFixedMs: one.runnerMs - perFurther(four.runnerMs, one.runnerMs),
        baselineFixedMs: one.baselineMs - perFurther(four.baselineMs, one.baselineMs),
      });
    }
    removeDir(repo.dir);
  }
  return sizes;
}

/** Phases 1-4 as the history grows, on the small repository's file count. */
async function historyCurve(cfg, fixtures) {
  const points = [];
  for (const commits of cfg.history) {
    progress(`history curve: ${commits} commits`);
    const repo = benchRepo({ files: cfg.sizes.small.files, commits }, fixtures);
    points.push({ commits, files: cfg.sizes.small.files, ...(await measure(repo, fixtures, 4, cfg.curveRepeats)) });
    removeDir(repo.dir);
  }
  return points;
}

/** Phase 1 as its outputs grow (planning/architecture.md and N-1 decision records). */
async function outputsCurve(cfg) {
  const points = [];
  for (const files of cfg.outputs) {
    progress(`outputs curve: ${files} files`);
    const fixtures = phaseFixtures({ adrs: files - 1 });
    const repo = benchRepo(cfg.sizes.small, fixtures);
    points.push({ files, ...(await measure(repo, fixtures, 1, cfg.curveRepeats)) });
    removeDir(repo.dir);
    removeDir(fixtures);
  }
  return points;
}

export async function runPhaseBench({ smoke = false, sizes } = {}) {
  const cfg = { ...(smoke ? SMOKE : FULL) };
  // `--size large` (or small): only that size, no curves; for profiling one case.
  if (sizes !== undefined) cfg.sizes = Object.fromEntries(Object.entries(cfg.sizes).filter(([name]) => sizes.includes(name)));
  const fixtures = phaseFixtures();
  try {
    return {
      mode: smoke ? 'smoke' : 'full',
      fileSystem: fsKind(benchRoot()),
      repeats: cfg.repeats,
      curveRepeats: cfg.curveRepeats,
      target: 'runner <= 1.5x the baseline per phase on the large repository',
      sizes: await perPhase(cfg, fixtures),
      historyCurve: sizes === undefined ? await historyCurve(cfg, fixtures) : [],
      outputsCurve: sizes === undefined ? await outputsCurve(cfg) : [],
    };
  } finally {
    removeDir(fixtures);
  }
}

export function formatPhase(r) {
  const lines = [`Runner per phase, no-op agent (${r.mode}; repositories on ${r.fileSystem}; medians of ${r.repeats.small} small / ${r.repeats.large} large, interleaved):`];
  const rows = [['repository', 'phases', 'phaserunner', 'shell baseline', 'ratio', 'added per phase']];
  for (const [name, s] of Object.entries(r.sizes)) {
    const label = `${name} (${s.files} files, ${s.commits} commits)`;
    for (const [phases, x] of [['1-4', s.fourPhases], ['1', s.onePhase]].filter(([, x]) => x !== undefined)) {
      rows.push([label, phases, ms(x.runnerMs), ms(x.baselineMs), ratio(x.ratio), ms(x.overheadPerPhaseMs)]);
    }
  }
  lines.push(table(rows).replace(/^/gm, '  '));
  for (const [name, s] of Object.entries(r.sizes).filter(([, s]) => s.onePhase !== undefined)) {
    lines.push(
      `  ${name}: fixed cost per invocation ${ms(s.runnerFixedMs)} (baseline ${ms(s.baselineFixedMs)}); each further phase ${ms(s.runnerPerFurtherPhaseMs)} (baseline ${ms(s.baselinePerFurtherPhaseMs)})`,
    );
  }
  if (r.sizes.large !== undefined) {
    const large = r.sizes.large.fourPhases.ratio;
    lines.push(`  target: ${r.target}: ${ratio(large)} ${large <= 1.5 ? 'met' : 'NOT MET'}`);
  }
  if (r.historyCurve.length === 0) return lines.join('\n');
  lines.push('');
  lines.push(`Scaling with history (phases 1-4, ${r.historyCurve[0].files} files, medians of ${r.curveRepeats}):`);
  lines.push(
    table([
      ['commits', 'phaserunner', 'shell baseline', 'ratio', 'added per phase'],
      ...r.historyCurve.map((p) => [p.commits, ms(p.runnerMs), ms(p.baselineMs), ratio(p.ratio), ms(p.overheadPerPhaseMs)]),
    ]).replace(/^/gm, '  '),
  );
  lines.push('');
  lines.push(`Scaling with outputs (phase 1 alone, medians of ${r.curveRepeats}):`);
  lines.push(
    table([
      ['files', 'phaserunner', 'shell baseline', 'ratio', 'added'],
      ...r.outputsCurve.map((p) => [p.files, ms(p.runnerMs), ms(p.baselineMs), ratio(p.ratio), ms(p.overheadPerPhaseMs)]),
    ]).replace(/^/gm, '  '),
  );
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = process.argv.indexOf('--size');
  console.log(formatPhase(await runPhaseBench({ smoke: process.argv.includes('--smoke'), sizes: size < 0 ? undefined : [process.argv[size + 1]] })));
}
