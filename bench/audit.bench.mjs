// Audit speed and memory against a bare `git log` that prints the same trailers, measured in
// the same run on the same history: at least 20,000 commits with 1,000 phase runs (each a
// phase commit and its merge, with valid trailers and digests), built with git fast-import.
// Run with `npm run bench` (after `npm run build`). Prints ratios; the target is audit <= 2x.
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';

const RUNS = Number(process.env.BENCH_RUNS ?? 1000);
const FILLER = Number(process.env.BENCH_FILLER ?? 18); // ordinary commits between phase runs
const REPEATS = 5;
const OUTPUT = {
  1: ['planning/architecture.md', 'planning/adr/0001-storage.md'],
  2: ['planning/gap-analysis.md'],
  3: ['planning/milestones.md', 'planning/epics.md'],
  4: ['planning/tasks.json', 'planning/tasks/T-001.md'],
};
const NAMES = { 1: ['architecture-baseline', 'architect'], 2: ['gap-analysis', 'analyst'], 3: ['project-planning', 'planner'], 4: ['task-planning', 'planner'] };
const CONTENT = {
  'planning/architecture.md': '# Architecture\n\n## Components\n\nA.\n',
  'planning/adr/0001-storage.md': '# ADR 1\n\n## Decision\n\nSQLite.\n',
  'planning/gap-analysis.md': '# Gaps\n\n## Gaps\n\nG1.\n',
  'planning/milestones.md': '# Milestones\n\n## M1: First\n\nGoal.\n',
  'planning/epics.md': '# Epics\n\n## E1: First\n\nScope.\n',
  'planning/tasks.json': JSON.stringify({ version: 1, tasks: [{ id: 'T-001', title: 'First', depends_on: [] }] }) + '\n',
  'planning/tasks/T-001.md': '# T-001\n\nDo it.\n',
};

const env = { ...process.env, GIT_AUTHOR_NAME: 'b', GIT_AUTHOR_EMAIL: 'b@x', GIT_COMMITTER_NAME: 'b', GIT_COMMITTER_EMAIL: 'b@x' };
const oid = (text) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
const digest = (files) => 'sha256:' + createHash('sha256').update(files.sort().map((p) => `${p}\0${oid(CONTENT[p])}\n`).join('')).digest('hex');
const ulid = (n) => ('01ARZ3NDEK' + n.toString(32).toUpperCase().padStart(16, '0')).replace(/[ILOU]/g, 'X');

export function buildRepo() {
  const dir = mkdtempSync(join(tmpdir(), 'phaserunner-bench-'));
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const out = [];
  let mark = 0;
  let t = 1_700_000_000;
  const commit = (ref, parents, message, files) => {
    mark++;
    out.push(`commit ${ref}`, `mark :${mark}`, `committer b <b@x> ${t++} +0000`, `data ${Buffer.byteLength(message)}`, message);
    if (parents[0]) out.push(`from :${parents[0]}`);
    for (const p of parents.slice(1)) out.push(`merge :${p}`);
    for (const [path, text] of files) out.push(`M 100644 inline ${path}`, `data ${Buffer.byteLength(text)}`, text);
    out.push('');
    return mark;
  };
  const config = JSON.stringify({ version: 1, base: 'main', agent: 'scripted', approvals: [] });
  let tip = commit('refs/heads/main', [], 'Initial commit\n', [['INTENT.md', '# Bench\n'], ['.phaserunner/config.json', config]]);
  for (let run = 0; run < RUNS; run++) {
    for (let i = 0; i < FILLER; i++) tip = commit('refs/heads/main', [tip], `Work ${run}.${i}\n`, [[`src/f${i % 50}.txt`, `${run} ${i}\n`]]);
    const phase = (run % 4) + 1;
    const [name, role] = NAMES[phase];
    const files = OUTPUT[phase];
    const trailers = ['Workstream: planning', `Phase: ${phase}`, `Phase-Name: ${name}`, `Role: ${role}`, `Run-Id: ${ulid(run)}`, 'Attempt: 1', 'Agent: scripted', 'Exit-Code: 0', `Artifacts-Digest: ${digest([...files])}`].join('\n');
    const pc = commit(`refs/heads/phaserunner/planning/${phase}-${name}`, [tip], `planning: phase ${phase} ${name} (attempt 1)\n\n${trailers}\n`, files.map((p) => [p, CONTENT[p]]));
    tip = commit('refs/heads/main', [tip, pc], `planning: merge phase ${phase} ${name} into main\n\n${trailers}\n`, files.map((p) => [p, CONTENT[p]]));
  }
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: out.join('\n') + '\n', env, maxBuffer: 1 << 30 });
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir, env });
  return dir;
}

function time(fn) {
  const samples = [];
  for (let i = 0; i < REPEATS; i++) {
    const start = performance.now();
    fn();
    samples.push(performance.now() - start);
  }
  return samples.sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
}

/** The audit core in a fresh node process: prints ms and peak RSS (node's own startup excluded from ms). */
function auditOnce(dir) {
  const script = `
    const { openDefinitions } = await import(${JSON.stringify(new URL('../dist/runner/context.js', import.meta.url).href)});
    const { audit } = await import(${JSON.stringify(new URL('../dist/audit/audit.js', import.meta.url).href)});
    const defs = await openDefinitions(${JSON.stringify(dir)});
    const start = performance.now();
    const report = await audit(defs);
    const ms = performance.now() - start;
    console.log(JSON.stringify({ ms, rss: process.resourceUsage().maxRSS * 1024, commits: report.commits, findings: report.findings.length }));`;
  const r = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

export function runAuditBench() {
  const dir = buildRepo();
  const commits = Number(execFileSync('git', ['rev-list', '--count', 'main'], { cwd: dir, encoding: 'utf8' }));
  const gitLog = time(() => execFileSync('git', ['log', '--format=%H %P%n%(trailers:only,unfold)', 'main'], { cwd: dir, maxBuffer: 1 << 30 }));
  const runs = [];
  for (let i = 0; i < REPEATS; i++) runs.push(auditOnce(dir));
  const median = runs.map((r) => r.ms).sort((a, b) => a - b)[Math.floor(REPEATS / 2)];
  const rss = Math.max(...runs.map((r) => r.rss));
  return { dir, commits, phaseRuns: RUNS, gitLogMs: gitLog, auditMs: median, ratio: median / gitLog, peakRssMb: rss / 2 ** 20, findings: runs[0].findings };
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const result = runAuditBench();
  console.log(`audit: ${result.commits} commits, ${result.phaseRuns} phase runs`);
  console.log(`  git log with trailers: ${result.gitLogMs.toFixed(0)} ms (median of ${REPEATS})`);
  console.log(`  phaserunner audit:     ${result.auditMs.toFixed(0)} ms  = ${result.ratio.toFixed(2)}x git log (target <= 2x)`);
  console.log(`  peak RSS ${result.peakRssMb.toFixed(0)} MB; findings ${result.findings}`);
  writeFileSync(new URL('audit-results.json', import.meta.url), JSON.stringify({ measured_at: new Date().toISOString(), ...result, dir: undefined }, null, 2) + '\n');
}
