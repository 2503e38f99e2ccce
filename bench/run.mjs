// `npm run bench`: every benchmark, one after another, each measuring phaserunner against a
// baseline in the same run (the machines are shared and noisy: ratios, not absolute times, are
// what two runs can compare). Prints a table per benchmark (progress on stderr) and writes all
// results, with the machine they were measured on, to bench/results.json.
//
//   npm run bench                      all, full size (about 18 minutes here: 310 s on 2026-11-23,
//                                      and the execution benchmark's 746 s on 2026-12-03)
//   npm run bench -- --smoke           all, tiny repositories and one repetition: checks that
//                                      every benchmark still runs (CI does this); numbers mean nothing
//   npm run bench -- --only phase,startup   those only: their results replace theirs in the
//                                      file, the others' are kept (each records when it was measured)
//   npm run bench -- --out file.json   write the results elsewhere
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { formatAudit, runAuditBench } from './audit.bench.mjs';
import { formatExecution, runExecutionBench } from './execution.bench.mjs';
import { formatGitLibs, runGitLibsBench } from './git-libs.bench.mjs';
import { formatPhase, runPhaseBench } from './phase.bench.mjs';
import { formatSandbox, runSandboxBench } from './sandbox.bench.mjs';
import { formatStartup, runStartupBench } from './startup.bench.mjs';
import { formatStore, runStoreBench } from './store.bench.mjs';

const BENCHES = {
  phase: [runPhaseBench, formatPhase],
  execution: [runExecutionBench, formatExecution],
  startup: [runStartupBench, formatStartup],
  audit: [runAuditBench, formatAudit],
  store: [runStoreBench, formatStore],
  'git-libs': [runGitLibsBench, formatGitLibs],
  sandbox: [runSandboxBench, formatSandbox],
};

const { values } = parseArgs({
  options: {
    smoke: { type: 'boolean', default: false },
    only: { type: 'string' },
    out: { type: 'string' },
    help: { type: 'boolean', short: 'h', default: false },
  },
});
if (values.help) {
  console.log(`Usage: npm run bench -- [--smoke] [--only ${Object.keys(BENCHES).join(',')}] [--out file.json]`);
  process.exit(0);
}
const names = values.only === undefined ? Object.keys(BENCHES) : values.only.split(',');
const unknown = names.filter((n) => !(n in BENCHES));
if (unknown.length > 0) {
  console.error(`bench: unknown benchmark ${unknown.join(', ')}; choose from ${Object.keys(BENCHES).join(', ')}`);
  process.exit(64);
}
// Smoke numbers mean nothing: they never replace the recorded results unless asked to.
const out = values.out ?? (values.smoke ? undefined : fileURLToPath(new URL('results.json', import.meta.url)));

const started = Date.now();
const results = {
  measured_at: new Date().toISOString(),
  mode: values.smoke ? 'smoke' : 'full',
  machine: {
    node: process.version,
    git: execFileSync('git', ['--version'], { encoding: 'utf8' }).trim(),
    platform: `${process.platform} ${process.arch}`,
    cpus: cpus().length,
    cpu: cpus()[0]?.model ?? 'unknown',
    memory_gb: Math.round(totalmem() / 2 ** 30),
  },
  ...(values.only === undefined ? {} : { only: names }),
  benchmarks: {},
};
// A partial run keeps the recorded results of the benchmarks it did not run.
if (values.only !== undefined && out !== undefined && existsSync(out)) {
  const recorded = JSON.parse(readFileSync(out, 'utf8'));
  for (const [name, r] of Object.entries(recorded.benchmarks ?? {})) results.benchmarks[name] = { measured_at: recorded.measured_at, ...r };
}
for (const name of names) {
  const [run, format] = BENCHES[name];
  const t = Date.now();
  process.stderr.write(`bench: ${name}...\n`);
  const r = await run({ smoke: values.smoke });
  results.benchmarks[name] = { measured_at: new Date(t).toISOString(), ...r, seconds: Math.round((Date.now() - t) / 100) / 10 };
  console.log(`${format(r)}\n`);
}
results.seconds = Math.round((Date.now() - started) / 100) / 10;
if (out !== undefined) {
  writeFileSync(out, JSON.stringify(results, null, 2) + '\n');
  console.log(`Results: ${out} (${results.seconds} s)`);
} else {
  console.log(`Done in ${results.seconds} s (smoke: no results written).`);
}
