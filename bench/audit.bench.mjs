// Audit speed and memory against a bare `git log` that prints the same trailers, measured in
// the same run on the same history: the large history of `npm run bench` (50,001 commits) with
// 1,000 phase runs among them (each a phase commit and its merge, with valid trailers and
// digests), built with git fast-import. The target is audit <= 2x. Memory is compared with a
// history twice as long holding the same phase runs.
//
// Large outputs: a short history whose phase 1 merged a decision record of 5, 50 and 200 MB
// (which the audit reads: the gate's file checks run on it again), against git itself
// reading the same history and blobs (`git log` with the trailers, then `git cat-file
// --batch` with the merge's output blobs), in the same run. Reading a blob was quadratic in
// its size before issue 16 (a 200 MB output took an audit 16.7 minutes).
//
//   node bench/audit.bench.mjs [--smoke]
import { execFileSync, spawnSync } from 'node:child_process';
import { createHash, randomFillSync } from 'node:crypto';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { diskTemp, gitEnv, removeDir } from './lib/repo.mjs';
import { median, ms } from './lib/stats.mjs';

// Phase runs, and ordinary commits between two of them: 1,000 x (48 + 2) + 1 = 50,001 commits.
const FULL = { runs: 1000, filler: 48, longFiller: 98, repeats: 5 };
const SMOKE = { runs: 40, filler: 5, longFiller: 10, repeats: 1 };
/** Sizes of the large output, in MB, and repetitions of each. */
const LARGE = { sizes: [5, 50, 200], repeats: 3 };
const LARGE_SMOKE = { sizes: [1, 3], repeats: 1 };
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
  'planning/tasks.json': JSON.stringify({ version: 2, tasks: [{ id: 'T-001', title: 'First', depends_on: [], writes: ['src/first.js'], checks: [{ argv: ['node', '--test'] }] }] }) + '\n',
  'planning/tasks/T-001.md': '# T-001\n\nDo it.\n',
};

const env = gitEnv;
const oid = (text) => createHash('sha1').update(`blob ${Buffer.byteLength(text)}\0${text}`).digest('hex');
const digest = (files) => 'sha256:' + createHash('sha256').update(files.sort().map((p) => `${p}\0${oid(CONTENT[p])}\n`).join('')).digest('hex');
const ulid = (n) => ('01ARZ3NDEK' + n.toString(32).toUpperCase().padStart(16, '0')).replace(/[ILOU]/g, 'X');

export function buildAuditRepo(runs, filler) {
  const dir = diskTemp('audit');
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
  for (let run = 0; run < runs; run++) {
    for (let i = 0; i < filler; i++) tip = commit('refs/heads/main', [tip], `Work ${run}.${i}\n`, [[`src/f${i % 50}.txt`, `${run} ${i}\n`]]);
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

const elapsed = (fn) => {
  const start = performance.now();
  fn();
  return performance.now() - start;
};
const CLI = new URL('../dist/cli/main.js', import.meta.url).pathname;
const BASELINE = ['log', '--format=%H %P%n%(trailers:only,unfold)', 'main'];

/** The audit core in a fresh node process: its own ms (node's start-up excluded) and peak RSS. */
function auditOnce(dir, nodeFlags = []) {
  const script = `
    const { openDefinitions } = await import(${JSON.stringify(new URL('../dist/definitions/open.js', import.meta.url).href)});
    const { audit } = await import(${JSON.stringify(new URL('../dist/audit/audit.js', import.meta.url).href)});
    const defs = await openDefinitions(${JSON.stringify(dir)}, 'audit');
    const before = process.resourceUsage().maxRSS * 1024;
    const start = performance.now();
    const report = await audit(defs);
    const ms = performance.now() - start;
    console.log(JSON.stringify({ ms, before, rss: process.resourceUsage().maxRSS * 1024, commits: report.commits, findings: report.findings.length }));`;
  const r = spawnSync(process.execPath, [...nodeFlags, '--input-type=module', '-e', script], { encoding: 'utf8', env });
  if (r.status !== 0) throw new Error(r.stderr);
  return JSON.parse(r.stdout);
}

/**
 * Speed on one history, the runs interleaved so that the machine's load falls on all alike:
 * - the audit core against a bare `git log` printing the same trailers into a pipe, as a
 *   script runs it (git then flushes after every commit);
 * - the same against git log with buffered output (GIT_FLUSH=0, which the audit's own log uses);
 * - `phaserunner audit --json` end to end against `git log`, both with process start-up.
 */
function speed(dir, repeats) {
  const samples = { gitLog: [], gitLogBuffered: [], audit: [], cli: [] };
  let last;
  for (let i = 0; i < repeats; i++) {
    samples.gitLog.push(elapsed(() => execFileSync('git', BASELINE, { cwd: dir, maxBuffer: 1 << 30, env })));
    samples.gitLogBuffered.push(elapsed(() => execFileSync('git', BASELINE, { cwd: dir, maxBuffer: 1 << 30, env: { ...env, GIT_FLUSH: '0' } })));
    last = auditOnce(dir);
    samples.audit.push(last.ms);
    samples.cli.push(elapsed(() => spawnSync(process.execPath, [CLI, 'audit', '--json'], { cwd: dir, env, maxBuffer: 1 << 30 })));
  }
  const m = Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, median(v)]));
  return {
    gitLogMs: m.gitLog,
    gitLogBufferedMs: m.gitLogBuffered,
    auditMs: m.audit,
    cliMs: m.cli,
    ratio: m.audit / m.gitLog,
    ratioBuffered: m.audit / m.gitLogBuffered,
    cliRatio: m.cli / m.gitLog,
    findings: last.findings,
  };
}

/**
 * Peak RSS of the audit on a history and on one five times as long with the same phase runs.
 * Also with the young generation capped (--max-semi-space-size=2): V8 grows it on long busy
 * runs, which moves RSS without any more data being kept; capped, RSS shows what is kept.
 */
function memory(short, long, repeats) {
  const peak = (dir, flags) => Math.max(...Array.from({ length: Math.min(repeats, 3) }, () => auditOnce(dir, flags).rss)) / 2 ** 20;
  const base = auditOnce(short).before / 2 ** 20;
  return {
    beforeAuditMb: base,
    peakRssMb: { short: peak(short, []), long: peak(long, []) },
    peakRssCappedYoungMb: { short: peak(short, ['--max-semi-space-size=2']), long: peak(long, ['--max-semi-space-size=2']) },
  };
}

/**
 * `mb` MB of text as an agent might write it: a decision record's heading and Decision section
 * (so the gate's file checks pass), then lines of 100 hex digits (random, so git's compression
 * has work to do, and nothing in them a check looks for, such as TODO).
 */
function largeRecord(mb) {
  const head = Buffer.from('# 0002. Large\n\n## Decision\n\nKeep it all.\n\n## Context\n\n');
  const body = Buffer.allocUnsafe(Math.round(mb * 2 ** 20) - head.length);
  randomFillSync(body);
  const hex = Buffer.from('0123456789abcdef');
  for (let i = 0; i < body.length; i++) body[i] = (i + 1) % 101 === 0 ? 0x0a : hex[body[i] & 15];
  body[body.length - 1] = 0x0a;
  return Buffer.concat([head, body]);
}

/**
 * A history of 50 ordinary commits and one phase 1 run (a phase commit and its merge, with valid
 * trailers and digest) whose outputs hold a decision record of `mb` MB. Returns the repository
 * and the merge's output blobs (what the baseline reads).
 */
export function buildLargeBlobRepo(mb) {
  const dir = diskTemp('audit-large');
  execFileSync('git', ['init', '-q', '-b', 'main', dir], { env });
  const large = execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: dir, input: largeRecord(mb), env, encoding: 'utf8' }).trim();
  const files = { ...Object.fromEntries(OUTPUT[1].map((p) => [p, oid(CONTENT[p])])), 'planning/adr/0002-large.md': large };
  const digest = 'sha256:' + createHash('sha256').update(Object.keys(files).sort().map((p) => `${p}\0${files[p]}\n`).join('')).digest('hex');
  const out = [];
  let mark = 0;
  let t = 1_700_000_000;
  const commit = (ref, parents, message, changes) => {
    mark++;
    out.push(`commit ${ref}`, `mark :${mark}`, `committer b <b@x> ${t++} +0000`, `data ${Buffer.byteLength(message)}`, message);
    if (parents[0]) out.push(`from :${parents[0]}`);
    for (const p of parents.slice(1)) out.push(`merge :${p}`);
    out.push(...changes, '');
    return mark;
  };
  const inline = (path, text) => [`M 100644 inline ${path}`, `data ${Buffer.byteLength(text)}`, text];
  const config = JSON.stringify({ version: 1, base: 'main', agent: 'scripted', approvals: [] });
  let tip = commit('refs/heads/main', [], 'Initial commit\n', [...inline('INTENT.md', '# Bench\n'), ...inline('.phaserunner/config.json', config)]);
  for (let i = 0; i < 50; i++) tip = commit('refs/heads/main', [tip], `Work ${i}\n`, inline(`src/f${i}.txt`, `${i}\n`));
  const [name, role] = NAMES[1];
  const trailers = ['Workstream: planning', 'Phase: 1', `Phase-Name: ${name}`, `Role: ${role}`, `Run-Id: ${ulid(0)}`, 'Attempt: 1', 'Agent: scripted', 'Exit-Code: 0', `Artifacts-Digest: ${digest}`].join('\n');
  const outputs = [...OUTPUT[1].flatMap((p) => inline(p, CONTENT[p])), `M 100644 ${large} planning/adr/0002-large.md`];
  const pc = commit(`refs/heads/phaserunner/planning/1-${name}`, [tip], `planning: phase 1 ${name} (attempt 1)\n\n${trailers}\n`, outputs);
  commit('refs/heads/main', [tip, pc], `planning: merge phase 1 ${name} into main\n\n${trailers}\n`, outputs);
  execFileSync('git', ['fast-import', '--quiet'], { cwd: dir, input: out.join('\n') + '\n', env });
  execFileSync('git', ['reset', '-q', '--hard', 'main'], { cwd: dir, env });
  return { dir, blobs: Object.values(files) };
}

/**
 * The audit of a history with one large output against git reading the same: the log with
 * its trailers, then the merge's output blobs through one `cat-file --batch` into a pipe
 * (what the audit's own reader does), interleaved, medians. Also the audit's peak RSS.
 */
function largeBlobs({ sizes, repeats }, progress) {
  const rows = [];
  for (const mb of sizes) {
    progress(`large output: ${mb} MB`);
    const { dir, blobs } = buildLargeBlobRepo(mb);
    try {
      const samples = { git: [], audit: [] };
      let last;
      for (let i = 0; i < repeats; i++) {
        samples.git.push(
          elapsed(() => {
            execFileSync('git', BASELINE, { cwd: dir, maxBuffer: 1 << 30, env });
            execFileSync('git', ['cat-file', '--batch'], { cwd: dir, input: blobs.join('\n') + '\n', maxBuffer: 2 ** 31 - 1, env });
          }),
        );
        last = auditOnce(dir);
        samples.audit.push(last.ms);
      }
      if (last.findings !== 0) throw new Error(`audit of the ${mb} MB history found ${last.findings} findings; the history is built to be clean`);
      const gitMs = median(samples.git);
      const auditMs = median(samples.audit);
      rows.push({ mb, gitMs, auditMs, ratio: auditMs / gitMs, auditPeakRssMb: last.rss / 2 ** 20, commits: last.commits });
    } finally {
      removeDir(dir);
    }
  }
  return { repeats, target: 'linear in the output size (ratio flat across sizes)', sizes: rows };
}

export function runAuditBench({ smoke = false } = {}) {
  const cfg = smoke ? SMOKE : FULL;
  const progress = (line) => process.stderr.write(`audit: ${line}\n`);
  progress(`building histories: ${cfg.runs} phase runs, ${cfg.filler} and ${cfg.longFiller} commits between two`);
  const dir = buildAuditRepo(cfg.runs, cfg.filler);
  const longDir = buildAuditRepo(cfg.runs, cfg.longFiller);
  try {
    const count = (d) => Number(execFileSync('git', ['rev-list', '--count', 'main'], { cwd: d, encoding: 'utf8' }));
    progress(`speed, ${cfg.repeats} repetitions; then memory`);
    return {
      mode: smoke ? 'smoke' : 'full',
      repeats: cfg.repeats,
      target: 'audit <= 2x git log printing the same trailers',
      commits: count(dir),
      longCommits: count(longDir),
      phaseRuns: cfg.runs,
      ...speed(dir, cfg.repeats),
      memory: memory(dir, longDir, cfg.repeats),
      largeBlobs: largeBlobs(smoke ? LARGE_SMOKE : LARGE, progress),
    };
  } finally {
    removeDir(dir);
    removeDir(longDir);
  }
}

export function formatAudit(r) {
  const mem = r.memory;
  const mb = (x) => `${x.toFixed(0)} MB`;
  return [
    `Audit (${r.mode}): ${r.commits} commits, ${r.phaseRuns} phase runs (medians of ${r.repeats}, interleaved):`,
    `  git log with trailers, into a pipe:   ${ms(r.gitLogMs)}`,
    `  phaserunner audit (core):             ${ms(r.auditMs)}  = ${r.ratio.toFixed(2)}x git log (target <= 2x: ${r.ratio <= 2 ? 'met' : 'NOT MET'})`,
    `  against git log buffered (GIT_FLUSH=0, ${ms(r.gitLogBufferedMs)}): ${r.ratioBuffered.toFixed(2)}x`,
    `  phaserunner audit --json, end to end: ${ms(r.cliMs)}  = ${r.cliRatio.toFixed(2)}x git log (node start-up and module loading included)`,
    `  memory, ${r.commits} vs ${r.longCommits} commits with the same phase runs (node with the modules loaded: ${mb(mem.beforeAuditMb)}):`,
    `    peak RSS ${mb(mem.peakRssMb.short)} vs ${mb(mem.peakRssMb.long)}; young generation capped ${mb(mem.peakRssCappedYoungMb.short)} vs ${mb(mem.peakRssCappedYoungMb.long)}`,
    `  (the ${r.findings} findings are phase-merged-twice: the synthetic history cycles through phases 1-4)`,
    `  a phase 1 output of N MB (${r.largeBlobs.sizes[0]?.commits} commits), audit against git log + cat-file --batch reading its blobs (medians of ${r.largeBlobs.repeats}):`,
    ...r.largeBlobs.sizes.map((x) => `    ${String(x.mb).padStart(4)} MB: git ${ms(x.gitMs)}, audit ${ms(x.auditMs)} = ${x.ratio.toFixed(2)}x; audit peak RSS ${mb(x.auditPeakRssMb)}`),
  ].join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  console.log(formatAudit(runAuditBench({ smoke: process.argv.includes('--smoke') })));
}
