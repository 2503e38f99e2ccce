// The store's durability cost: transitions per second with synchronous = FULL (what phaserunner
// ships: src/store/db.ts) against NORMAL, both in WAL mode, on the same disk as the repositories
// (a temporary directory), interleaved. And how many store commits one phase makes, counted in
// a real `phaserunner run` (each commit is one fsync of the WAL under FULL, none under NORMAL),
// so the per-phase cost of FULL follows from the two.
//
//   node bench/store.bench.mjs [--smoke]
import { spawnSync } from 'node:child_process';
import { writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, noopConfig, phaseFixtures } from './lib/fixtures.mjs';
import { buildRepo, diskTemp, gitEnv, removeDir } from './lib/repo.mjs';
import { median, ms, table } from './lib/stats.mjs';

const FULL = { transitions: 600, repeats: 7 };
const SMOKE = { transitions: 30, repeats: 1 };
const dist = (path) => new URL(`../dist/${path}`, import.meta.url).href;
const CYCLE = ['running', 'failed', 'pending']; // a legal loop of the phase state machine

const progress = (line) => process.stderr.write(`store: ${line}\n`);

/** ms per transition (each its own transaction, as the runner makes them) in a fresh store. */
async function transitionMs(sync, count) {
  const { openDb } = await import(dist('store/db.js'));
  const { Store } = await import(dist('store/store.js'));
  const dir = diskTemp('store');
  const db = openDb(join(dir, 'state.db'));
  db.pragma(`synchronous = ${sync}`);
  const store = new Store(db);
  store.ensureWorkstream('planning', 'main', [{ step_id: '1', name: 'one', role: 'planner' }]);
  const start = performance.now();
  for (let i = 0; i < count; i++) store.transition('planning', '1', null, CYCLE[i % CYCLE.length], `bench ${i}`);
  const elapsed = performance.now() - start;
  store.close();
  removeDir(dir);
  return elapsed / count;
}

/**
 * Store commits per phase in a real run (4 phases, the no-op agent): the runner's process is
 * started with a preload that counts every transaction that commits and every statement that
 * writes outside one (autocommit: a commit of its own).
 */
function commitsPerPhase() {
  const fixtures = phaseFixtures();
  const repo = buildRepo({ files: 50, commits: 20, extra: { '.phaserunner/config.json': JSON.stringify(noopConfig(fixtures)) } });
  const counter = join(diskTemp('count'), 'count.mjs');
  const sqlite = new URL('../node_modules/better-sqlite3/lib/index.js', import.meta.url).href;
  const script = `
    import { createRequire } from 'node:module';
    const Database = createRequire(import.meta.url)(${JSON.stringify(fileURLToPath(sqlite))});
    let commits = 0;
    const prepare = Database.prototype.prepare;
    Database.prototype.prepare = function (...args) {
      const statement = prepare.apply(this, args);
      const run = statement.run;
      const db = this;
      statement.run = function (...a) {
        const out = run.apply(this, a);
        if (!db.inTransaction && !statement.readonly) commits++;
        return out;
      };
      return statement;
    };
    const transaction = Database.prototype.transaction;
    Database.prototype.transaction = function (fn) {
      const db = this;
      const wrapped = transaction.call(this, fn);
      const counted = (inner) => (...a) => { const nested = db.inTransaction; const out = inner(...a); if (!nested) commits++; return out; };
      const f = counted(wrapped);
      for (const mode of ['deferred', 'immediate', 'exclusive']) f[mode] = counted(wrapped[mode]);
      return f;
    };
    process.on('exit', () => process.stderr.write('STORE-COMMITS ' + commits + '\\n'));`;
  writeFileSync(counter, script);
  const r = spawnSync(process.execPath, ['--import', counter, CLI, 'run', '--wait'], { cwd: repo, env: gitEnv, encoding: 'utf8' });
  removeDir(repo);
  removeDir(fixtures);
  removeDir(dirname(counter));
  const m = /STORE-COMMITS (\d+)/.exec(r.stderr);
  if (r.status !== 0 || m === null) throw new Error(`counting run failed (${r.status}): ${r.stderr}`);
  return Number(m[1]) / 4;
}

export async function runStoreBench({ smoke = false } = {}) {
  const cfg = smoke ? SMOKE : FULL;
  progress(`${cfg.transitions} transitions, FULL and NORMAL interleaved, ${cfg.repeats} repetitions`);
  const samples = { FULL: [], NORMAL: [] };
  for (let i = 0; i < cfg.repeats; i++) {
    for (const sync of Object.keys(samples)) samples[sync].push(await transitionMs(sync, cfg.transitions));
  }
  progress('counting store commits in a run of phases 1-4');
  const perPhase = commitsPerPhase();
  const full = median(samples.FULL);
  const normal = median(samples.NORMAL);
  return {
    mode: smoke ? 'smoke' : 'full',
    repeats: cfg.repeats,
    transitions: cfg.transitions,
    shipped: 'FULL',
    full: { msPerTransition: full, perSecond: 1000 / full },
    normal: { msPerTransition: normal, perSecond: 1000 / normal },
    ratio: full / normal,
    commitsPerPhase: perPhase,
    fullCostPerPhaseMs: perPhase * (full - normal),
  };
}

export function formatStore(r) {
  return [
    `Store (${r.mode}; ${r.transitions} transitions, each its own transaction, WAL; medians of ${r.repeats}):`,
    table([
      ['synchronous', 'per transition', 'transitions/s'],
      ['FULL (shipped)', ms(r.full.msPerTransition), r.full.perSecond.toFixed(0)],
      ['NORMAL', ms(r.normal.msPerTransition), r.normal.perSecond.toFixed(0)],
    ]).replace(/^/gm, '  '),
    `  FULL costs ${r.ratio.toFixed(1)}x NORMAL per commit; a phase makes ${r.commitsPerPhase.toFixed(1)} store commits, so FULL adds ${ms(r.fullCostPerPhaseMs)} per phase.`,
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatStore(await runStoreBench({ smoke: process.argv.includes('--smoke') })));
}
