// `phaserunner status` wall time against a bare `node -e ''`, and what each import costs a
// fresh node process, interleaved round-robin and measured in the same run. The target is
// status <= 2x node's own start: a verb loads only what it needs (the fast path in
// src/cli/fast-path.ts skips yargs; the definitions cache in src/definitions/cache.ts skips zod
// and, while the base branch has not moved, all git but one rev-parse).
//
//   node bench/startup.bench.mjs [--smoke]
import { spawnSync } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, noopConfig, phaseFixtures } from './lib/fixtures.mjs';
import { buildRepo, gitEnv, removeDir, SIZES } from './lib/repo.mjs';
import { interleaved, ms, ratio, table } from './lib/stats.mjs';

const FULL = { repeats: 21, sizes: SIZES };
const SMOKE = { repeats: 2, sizes: { small: { files: 50, commits: 100 }, large: { files: 500, commits: 1_000 } } };
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;

/** What a module costs a fresh node: the code, run as an ES module, less nothing (the baseline imports nothing). */
const load = (...specs) => `await Promise.all([${specs.map((s) => `import(${JSON.stringify(s)})`).join(', ')}])`;
const IMPORTS = {
  'node:child_process': load('node:child_process'),
  'better-sqlite3': load('better-sqlite3'),
  // How the store loads it (src/store/db.ts): an ES module importing a CommonJS package first
  // starts node's CommonJS export lexer; require does not.
  'better-sqlite3, required': "import { createRequire } from 'node:module'; createRequire(import.meta.url)('better-sqlite3')",
  yargs: load('yargs'),
  zod: load('zod'),
  'dist/runner/status.js and store-open.js (status, cache hit)': load(dist('runner/status.js'), dist('runner/store-open.js')),
  'dist/definitions/validate.js (cache miss)': load(dist('definitions/validate.js')),
  'dist/cli/parse.js (every other verb)': load(dist('cli/parse.js')),
};

const progress = (line) => process.stderr.write(`startup: ${line}\n`);

function node(args, cwd) {
  const r = spawnSync(process.execPath, args, { cwd, env: gitEnv, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`node ${args.join(' ')} exited ${r.status}: ${r.stderr}`);
  return r;
}

async function statusTimes(cfg, fixtures) {
  const out = {};
  for (const [name, size] of Object.entries(cfg.sizes)) {
    progress(`${name}: building (${size.files} files, ${size.commits} commits) and running phases 1-2`);
    const repo = buildRepo({ ...size, extra: { '.phaserunner/config.json': JSON.stringify(noopConfig(fixtures)) } });
    node([CLI, 'run', '--wait', '--until', '2'], repo);
    const cache = join(repo, '.git', 'phaserunner', 'definitions.cache.json');
    progress(`${name}: status against node -e '', ${cfg.repeats} repetitions`);
    const r = await interleaved(
      {
        node: () => node(['-e', '']),
        status: () => node([CLI, 'status'], repo),
        statusJson: () => node([CLI, 'status', '--json'], repo),
        // The first status after phaserunner or a definition file changed: zod validates.
        statusCacheMiss: () => node([CLI, 'status'], repo),
      },
      cfg.repeats,
      (variant) => {
        if (variant === 'statusCacheMiss') rmSync(cache, { force: true });
      },
    );
    removeDir(repo);
    const base = r.node.median;
    out[name] = {
      ...size,
      nodeMs: base,
      statusMs: r.status.median,
      statusJsonMs: r.statusJson.median,
      statusCacheMissMs: r.statusCacheMiss.median,
      ratio: r.status.median / base,
      ratioJson: r.statusJson.median / base,
      ratioCacheMiss: r.statusCacheMiss.median / base,
    };
  }
  return out;
}

async function importCosts(cfg) {
  progress(`import costs, ${cfg.repeats} repetitions`);
  const variants = { none: () => node(['--input-type=module', '-e', '']) };
  for (const [name, code] of Object.entries(IMPORTS)) variants[name] = () => node(['--input-type=module', '-e', code]);
  const r = await interleaved(variants, cfg.repeats);
  const base = r.none.median;
  return {
    baselineMs: base,
    modules: Object.fromEntries(Object.keys(IMPORTS).map((name) => [name, { ms: r[name].median, overBaselineMs: r[name].median - base }])),
  };
}

export async function runStartupBench({ smoke = false } = {}) {
  const cfg = smoke ? SMOKE : FULL;
  const fixtures = phaseFixtures();
  try {
    return {
      mode: smoke ? 'smoke' : 'full',
      repeats: cfg.repeats,
      target: "status <= 2x node -e ''",
      status: await statusTimes(cfg, fixtures),
      imports: await importCosts(cfg),
    };
  } finally {
    removeDir(fixtures);
  }
}

export function formatStartup(r) {
  const lines = [`Start-up (${r.mode}; medians of ${r.repeats}, interleaved):`];
  const rows = [['repository', "node -e ''", 'status', 'status --json', 'status, cache miss']];
  for (const [name, s] of Object.entries(r.status)) {
    rows.push([`${name} (${s.files} files, ${s.commits} commits)`, ms(s.nodeMs), `${ms(s.statusMs)} ${ratio(s.ratio)}`, `${ms(s.statusJsonMs)} ${ratio(s.ratioJson)}`, `${ms(s.statusCacheMissMs)} ${ratio(s.ratioCacheMiss)}`]);
  }
  lines.push(table(rows).replace(/^/gm, '  '));
  const worst = Math.max(...Object.values(r.status).map((s) => Math.max(s.ratio, s.ratioJson)));
  lines.push(`  target: ${r.target}: ${ratio(worst)} at worst ${worst <= 2 ? 'met' : 'NOT MET'} (the cache miss is the first status after an upgrade or a definition change)`);
  lines.push('');
  lines.push(`What an import costs a fresh node (over ${ms(r.imports.baselineMs)} for \`node --input-type=module -e ''\`):`);
  lines.push(table([['module', 'added'], ...Object.entries(r.imports.modules).map(([name, x]) => [name, `+${ms(x.overBaselineMs)}`])]).replace(/^/gm, '  '));
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatStartup(await runStartupBench({ smoke: process.argv.includes('--smoke') })));
}
