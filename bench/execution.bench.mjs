// The execution workstream (issue 17): a plan of 40 tasks (6 layers of 8, 8, 8, 8, 4 and 4:
// width 8, critical path 6 tasks), each task depending on two of the layer before, writing its
// own files (no two claims overlap) and checked by `true`; no integration checks. The agent is
// a `command` agent that sleeps a fixed time and writes one file. Two measurements, per size:
//
// - Makespan: `run --workstream execution --wait` at concurrency 4 with the agent sleeping T,
//   against the ideal lower bound max(critical path, total work / concurrency), computed from
//   the agents' own durations in the same run (each attempt's exit.json, as the wrapper timed
//   it), so the bound is what these agents could at best have been given. From the store, where
//   each task's time between ready and merged went.
// - The runner's added time per task: the same plan with the agent not sleeping, the runner at
//   concurrency 4 against bench/baseline-tasks.sh doing the same git operations with the git CLI
//   alone, one task after another, interleaved, from the same state, as the phase benchmark
//   does for phases; added per task = (runner - baseline) / tasks.
//
//   node bench/execution.bench.mjs [--smoke] [--size small|large]
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { CLI, noopConfig, phaseFixtures } from './lib/fixtures.mjs';
import { benchRoot, benchTemp, buildRepo, fsKind, git, gitEnv, removeDir, SIZES } from './lib/repo.mjs';
import { elapsed, interleaved, median, ms, ratio, table } from './lib/stats.mjs';

const BASELINE = fileURLToPath(new URL('baseline-tasks.sh', import.meta.url));

const FULL = {
  sizes: SIZES,
  layers: [8, 8, 8, 8, 4, 4],
  concurrency: 4,
  sleepSeconds: 2,
  makespanRepeats: { small: 3, large: 1 },
  noopRepeats: { small: 3, large: 2 },
  // The same makespan with longer agents (one repetition each): the runner's cost per task is
  // about fixed, so the ratio depends on how long a task's agent works.
  longerSeconds: { small: [5, 10], large: [10] },
};
const SMOKE = {
  sizes: { small: { files: 50, commits: 100 }, large: { files: 500, commits: 1_000 } },
  layers: [4, 4, 2],
  concurrency: 4,
  sleepSeconds: 0.2,
  makespanRepeats: { small: 1, large: 1 },
  noopRepeats: { small: 1, large: 1 },
  longerSeconds: { small: [0.5] },
};
const TARGET = 1.15;

const progress = (line) => process.stderr.write(`execution: ${line}\n`);

/** The plan: `layers[i]` tasks in layer i, each depending on two tasks of the layer before. */
export function benchPlan(layers) {
  const tasks = [];
  let previous = [];
  for (const [layer, count] of layers.entries()) {
    const current = [];
    for (let j = 0; j < count; j++) {
      const id = `T-${String(tasks.length + 1).padStart(3, '0')}`;
      const deps = previous.length === 0 ? [] : [...new Set([previous[j % previous.length], previous[(j + 1) % previous.length]])];
      tasks.push({
        id,
        title: `Bench task ${id} (layer ${layer + 1})`,
        depends_on: deps,
        writes: [`out/${id}/**`],
        checks: [{ argv: ['true'], timeout_seconds: 60 }],
        agent: 'sleeper',
      });
      current.push(id);
    }
    previous = current;
  }
  return { version: 2, tasks };
}

/**
 * A repository where planning is complete: phases 1-4 run by the no-op agent of the phase
 * benchmark, then the bench plan committed on main and acknowledged (as a user who edits the
 * plan does). The tasks' agent sleeps as long as the file `seconds` says (so one repository
 * serves both measurements).
 */
export function plannedRepo(size, fixtures, plan, concurrency, seconds) {
  const config = noopConfig(fixtures);
  config.agents.sleeper = {
    type: 'command',
    argv: ['sh', '-c', 'sleep "$(cat "$1")" && mkdir -p "out/$2" && echo "$2" >"out/$2/done.txt"', 'sh', seconds, '{task}'],
    stdin: false,
  };
  config.execution = { concurrency };
  const dir = buildRepo({ ...size, extra: { '.phaserunner/config.json': JSON.stringify(config, null, 2) + '\n' } });
  git(dir, ['config', 'gc.auto', '0']);
  git(dir, ['config', 'maintenance.auto', 'false']);
  check(spawnSync(process.execPath, [CLI, 'run', '--wait'], { cwd: dir, env: gitEnv, encoding: 'utf8' }), 'planning (phaserunner run --wait)');
  writeFileSync(join(dir, 'planning', 'tasks.json'), JSON.stringify(plan, null, 2) + '\n');
  git(dir, ['add', 'planning/tasks.json']);
  git(dir, ['commit', '--quiet', '-m', 'Plan the bench tasks']);
  check(
    spawnSync(process.execPath, [CLI, 'acknowledge', '4', '--by', 'bench', '--reason', 'The bench plan.'], { cwd: dir, env: gitEnv, encoding: 'utf8' }),
    'phaserunner acknowledge 4',
  );
  // The store as planning left it: restored before every repetition, so each starts where a
  // user's first `run --workstream execution` would.
  const state = join(dir, '.git', 'phaserunner');
  const saved = benchTemp('state');
  cpSync(state, saved, { recursive: true });
  return { dir, base: git(dir, ['rev-parse', 'main']).trim(), state, saved };
}

/** Back to planning complete: main at the acknowledged plan, no task branches, worktrees or store rows. */
export function resetRepo({ dir, base, state, saved }) {
  removeDir(join(dir, '.git', 'bench-worktrees'));
  // The runner's task and integration checkouts (it removes them after a merge; a failed run may not have).
  const worktrees = gitEnv.PHASERUNNER_WORKTREES_DIR;
  for (const name of existsSync(worktrees) ? readdirSync(worktrees, { withFileTypes: true }) : []) {
    if (!name.isDirectory()) continue;
    const path = join(worktrees, name.name);
    for (const inner of readdirSync(path)) if (inner.startsWith('execution-')) removeDir(join(path, inner));
  }
  git(dir, ['worktree', 'prune']);
  const refs = git(dir, ['for-each-ref', '--format=%(refname)', 'refs/heads/phaserunner/execution/', 'refs/heads/bench/', 'refs/phaserunner/attempts/']).trim();
  if (refs !== '') git(dir, ['update-ref', '--stdin'], { input: refs.split('\n').map((r) => `delete ${r}\n`).join('') });
  git(dir, ['reset', '-q', '--hard', base]);
  removeDir(state);
  cpSync(saved, state, { recursive: true });
}

function check(result, what) {
  if (result.error) throw result.error;
  if (result.status !== 0) throw new Error(`${what} exited ${result.status}: ${result.stderr}`);
}

const runExecution = (repo) =>
  check(spawnSync(process.execPath, [CLI, 'run', '--workstream', 'execution', '--wait'], { cwd: repo.dir, env: gitEnv, encoding: 'utf8' }), 'phaserunner run --workstream execution --wait');

/** Each variant must have merged every task, or its time means nothing. */
function verifyMerged(repo, tasks, who) {
  const merges = Number(git(repo.dir, ['rev-list', '--count', '--first-parent', '--merges', `${repo.base}..main`]).trim());
  if (merges !== tasks) throw new Error(`${who} merged ${merges} tasks, expected ${tasks}`);
}

/** Every task's timeline from the store and its attempt's exit.json (ms since the epoch). */
export async function timelines(repo) {
  const { default: Database } = await import('better-sqlite3');
  const db = new Database(join(repo.state, 'state.db'), { readonly: true, fileMustExist: true });
  try {
    const runs = db.prepare("SELECT run_id, step_id, attempt, run_dir, dispatched_at, finished_at, duration_ms FROM runs WHERE workstream = 'execution'").all();
    const transitions = db.prepare("SELECT step_id, run_id, to_state, at FROM transitions WHERE workstream = 'execution' ORDER BY id").all();
    const attempts = new Map();
    for (const r of runs) attempts.set(r.step_id, (attempts.get(r.step_id) ?? 0) + 1);
    if ([...attempts.values()].some((n) => n !== 1)) throw new Error(`a task took more than one attempt: ${JSON.stringify(Object.fromEntries(attempts))}`);
    return runs.map((r) => {
      const exit = JSON.parse(readFileSync(join(r.run_dir, 'exit.json'), 'utf8'));
      const at = (state) => {
        const t = transitions.find((x) => x.step_id === r.step_id && x.to_state === state);
        return t === undefined ? undefined : Date.parse(t.at);
      };
      return {
        id: r.step_id,
        dispatched: Date.parse(r.dispatched_at),
        agentStart: Date.parse(exit.started_at),
        agentEnd: Date.parse(exit.finished_at),
        agentMs: exit.duration_ms,
        verifying: at('verifying'),
        queued: at('queued'),
        integrating: at('integrating'),
        merged: at('merged'),
      };
    });
  } finally {
    db.close();
  }
}

/** max(longest dependency chain of agent durations, total agent time / concurrency). */
export function lowerBound(plan, agentMs, concurrency) {
  const chain = new Map();
  for (const t of plan.tasks) chain.set(t.id, agentMs.get(t.id) + Math.max(0, ...t.depends_on.map((d) => chain.get(d))));
  const criticalPathMs = Math.max(...chain.values());
  const workMs = [...agentMs.values()].reduce((a, b) => a + b, 0);
  return { criticalPathMs, workPerSlotMs: workMs / concurrency, boundMs: Math.max(criticalPathMs, workMs / concurrency) };
}

/** Where each task's time went, as medians over the tasks (ms). */
export function breakdown(plan, lines, start) {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const ready = (t) => Math.max(start, ...t.depends_on.map((d) => byId.get(d).merged));
  const stage = (f) => median(plan.tasks.map((t) => f(byId.get(t.id), t)));
  return {
    readyToDispatchedMs: stage((l, t) => l.dispatched - ready(t)),
    dispatchedToAgentStartMs: stage((l) => l.agentStart - l.dispatched),
    agentMs: stage((l) => l.agentMs),
    agentEndToVerifyingMs: stage((l) => l.verifying - l.agentEnd),
    verifyingToQueuedMs: stage((l) => l.queued - l.verifying),
    queuedToIntegratingMs: stage((l) => l.integrating - l.queued),
    integratingToMergedMs: stage((l) => l.merged - l.integrating),
    // The runner's share of a task's path from ready to merged: everything but its agent.
    addedPerTaskMs: stage((l, t) => l.merged - ready(t) - l.agentMs),
  };
}

/**
 * Where the slots' time went (slot-seconds, summed over the `concurrency` slots from the
 * start to the last merge): an agent at work; a slot held with no agent at work (from the
 * dispatch to its agent's start, and from its end until the task left its slot for the merge
 * queue); free while a ready task waited (the runner's loop had not dispatched it yet); free
 * with nothing ready (waiting for dependencies to merge).
 */
export function slotSeconds(plan, lines, start, concurrency) {
  const byId = new Map(lines.map((l) => [l.id, l]));
  const ready = new Map(plan.tasks.map((t) => [t.id, Math.max(start, ...t.depends_on.map((d) => byId.get(d).merged))]));
  const end = Math.max(...lines.map((l) => l.merged));
  const step = 5;
  let agent = 0;
  let held = 0;
  let waiting = 0;
  let starved = 0;
  for (let t = start; t < end; t += step) {
    let busy = 0;
    let working = 0;
    let readyNow = 0;
    for (const l of lines) {
      if (l.dispatched <= t && t < l.queued) busy++;
      if (l.agentStart <= t && t < l.agentEnd) working++;
      if (ready.get(l.id) <= t && t < l.dispatched) readyNow++;
    }
    const free = Math.max(0, concurrency - busy);
    agent += working * step;
    held += Math.max(0, busy - working) * step;
    waiting += Math.min(free, readyNow) * step;
    starved += (free - Math.min(free, readyNow)) * step;
  }
  return { agentMs: agent, heldWithoutAgentMs: held, freeWithReadyTaskMs: waiting, freeWithNothingReadyMs: starved };
}

async function makespan(repo, plan, cfg, secondsFile, repeats, seconds = cfg.sleepSeconds) {
  writeFileSync(secondsFile, `${seconds}\n`);
  const samples = [];
  for (let i = 0; i < repeats; i++) {
    resetRepo(repo);
    const start = Date.now();
    const wallMs = await elapsed(() => runExecution(repo));
    verifyMerged(repo, plan.tasks.length, 'phaserunner run --workstream execution');
    const lines = await timelines(repo);
    const agentMs = new Map(lines.map((l) => [l.id, l.agentMs]));
    const bound = lowerBound(plan, agentMs, cfg.concurrency);
    samples.push({
      makespanMs: wallMs,
      ...bound,
      ratio: wallMs / bound.boundMs,
      agentMedianMs: median([...agentMs.values()]),
      breakdown: breakdown(plan, lines, start),
      slots: slotSeconds(plan, lines, start, cfg.concurrency),
    });
  }
  resetRepo(repo);
  // The repetition with the median ratio, whole (its figures belong together).
  const sorted = [...samples].sort((a, b) => a.ratio - b.ratio);
  return { ...sorted[Math.floor((sorted.length - 1) / 2)], samples: samples.map((s) => ({ makespanMs: s.makespanMs, boundMs: s.boundMs, ratio: s.ratio })) };
}

async function perTask(repo, plan, secondsFile, repeats) {
  writeFileSync(secondsFile, '0\n');
  const ids = plan.tasks.map((t) => t.id);
  let pending;
  const verify = () => {
    if (pending !== undefined) verifyMerged(repo, ids.length, pending);
    pending = undefined;
  };
  const r = await interleaved(
    {
      runner: () => {
        runExecution(repo);
        pending = 'phaserunner run --workstream execution';
      },
      baseline: () => {
        check(spawnSync('sh', [BASELINE, repo.dir, secondsFile, ...ids], { env: gitEnv, encoding: 'utf8' }), 'the baseline script');
        pending = 'the baseline script';
      },
    },
    repeats,
    () => {
      verify();
      resetRepo(repo);
    },
  );
  verify();
  resetRepo(repo);
  return {
    runnerMs: r.runner.median,
    baselineMs: r.baseline.median,
    ratio: r.runner.median / r.baseline.median,
    addedPerTaskMs: (r.runner.median - r.baseline.median) / ids.length,
    samples: { runner: r.runner.samples, baseline: r.baseline.samples },
  };
}

export async function runExecutionBench({ smoke = false, sizes } = {}) {
  const cfg = { ...(smoke ? SMOKE : FULL) };
  if (sizes !== undefined) cfg.sizes = Object.fromEntries(Object.entries(cfg.sizes).filter(([name]) => sizes.includes(name)));
  const plan = benchPlan(cfg.layers);
  const fixtures = phaseFixtures();
  const secondsFile = join(benchTemp('agent'), 'seconds');
  writeFileSync(secondsFile, '0\n');
  const result = {
    mode: smoke ? 'smoke' : 'full',
    fileSystem: fsKind(benchRoot()),
    plan: { tasks: plan.tasks.length, width: Math.max(...cfg.layers), criticalPath: cfg.layers.length, layers: cfg.layers },
    concurrency: cfg.concurrency,
    sleepSeconds: cfg.sleepSeconds,
    makespanRepeats: cfg.makespanRepeats,
    longerSeconds: cfg.longerSeconds,
    noopRepeats: cfg.noopRepeats,
    integrationChecks: 0,
    target: `makespan <= ${TARGET}x the ideal lower bound, max(critical path, total agent time / concurrency)`,
    sizes: {},
  };
  try {
    for (const [name, size] of Object.entries(cfg.sizes)) {
      progress(`building the ${name} repository (${size.files} files, ${size.commits} commits) and planning it`);
      const repo = plannedRepo(size, fixtures, plan, cfg.concurrency, secondsFile);
      try {
        progress(`${name}: makespan, agents sleeping ${cfg.sleepSeconds} s, ${cfg.makespanRepeats[name]} repetitions`);
        const m = await makespan(repo, plan, cfg, secondsFile, cfg.makespanRepeats[name]);
        progress(`${name}: ${ms(m.makespanMs)} against a bound of ${ms(m.boundMs)} (${ratio(m.ratio)})`);
        const longer = [];
        for (const seconds of cfg.longerSeconds[name] ?? []) {
          progress(`${name}: makespan, agents sleeping ${seconds} s, 1 repetition`);
          const l = await makespan(repo, plan, cfg, secondsFile, 1, seconds);
          progress(`${name}: ${ms(l.makespanMs)} against a bound of ${ms(l.boundMs)} (${ratio(l.ratio)})`);
          longer.push({ sleepSeconds: seconds, ...l });
        }
        progress(`${name}: added per task, agents not sleeping, ${cfg.noopRepeats[name]} repetitions`);
        const p = await perTask(repo, plan, secondsFile, cfg.noopRepeats[name]);
        result.sizes[name] = { ...size, makespan: m, longer, perTask: p };
      } finally {
        removeDir(repo.dir);
        removeDir(repo.saved);
      }
    }
    return result;
  } finally {
    removeDir(fixtures);
  }
}

export function formatExecution(r) {
  const p = r.plan;
  const lines = [
    `Execution, ${p.tasks} tasks (width ${p.width}, critical path ${p.criticalPath}), concurrency ${r.concurrency}, no integration checks (${r.mode}; repositories on ${r.fileSystem}):`,
    `  makespan, agents sleeping ${r.sleepSeconds} s (median ratio of ${r.makespanRepeats.small} small / ${r.makespanRepeats.large} large):`,
  ];
  const rows = [['repository', 'agent (median)', 'critical path', 'work / slots', 'bound', 'makespan', 'ratio', 'added per task']];
  for (const [name, s] of Object.entries(r.sizes)) {
    const m = s.makespan;
    rows.push([`${name} (${s.files} files, ${s.commits} commits)`, ms(m.agentMedianMs), ms(m.criticalPathMs), ms(m.workPerSlotMs), ms(m.boundMs), ms(m.makespanMs), ratio(m.ratio), ms(m.breakdown.addedPerTaskMs)]);
  }
  lines.push(table(rows).replace(/^/gm, '    '));
  const lrows = [['repository', 'agent sleeps', 'agent (median)', 'bound', 'makespan', 'ratio']];
  for (const [name, s] of Object.entries(r.sizes)) {
    for (const m of [{ sleepSeconds: r.sleepSeconds, ...s.makespan }, ...(s.longer ?? [])]) lrows.push([name, `${m.sleepSeconds} s`, ms(m.agentMedianMs), ms(m.boundMs), ms(m.makespanMs), ratio(m.ratio)]);
  }
  lines.push('  the same with longer agents (the runner\'s cost per task is about fixed):');
  lines.push(table(lrows).replace(/^/gm, '    '));
  lines.push(`  where the ${r.concurrency} slots' time went (slot-seconds, from the start to the last merge):`);
  const srows = [['repository', 'agent sleeps', 'agent at work', 'held, no agent', 'free, a task ready', 'free, none ready']];
  for (const [name, s] of Object.entries(r.sizes)) {
    for (const m of [{ sleepSeconds: r.sleepSeconds, ...s.makespan }, ...(s.longer ?? [])]) {
      const k = m.slots;
      if (k !== undefined) srows.push([name, `${m.sleepSeconds} s`, ms(k.agentMs), ms(k.heldWithoutAgentMs), ms(k.freeWithReadyTaskMs), ms(k.freeWithNothingReadyMs)]);
    }
  }
  lines.push(table(srows).replace(/^/gm, '    '));
  lines.push('  where a task\'s time went, from ready (its dependencies merged) to merged (medians over the tasks):');
  const stages = [
    ['ready -> dispatched', 'readyToDispatchedMs'],
    ['dispatched -> agent starts', 'dispatchedToAgentStartMs'],
    ['agent', 'agentMs'],
    ['agent ends -> collected', 'agentEndToVerifyingMs'],
    ['own checks', 'verifyingToQueuedMs'],
    ['waiting in the merge queue', 'queuedToIntegratingMs'],
    ['integration (candidate tested, published)', 'integratingToMergedMs'],
  ];
  const names = Object.keys(r.sizes);
  lines.push(table([['stage', ...names], ...stages.map(([label, key]) => [label, ...names.map((n) => ms(r.sizes[n].makespan.breakdown[key]))])]).replace(/^/gm, '    '));
  lines.push(`  added time per task, agents not sleeping, against the same git operations in a shell script (medians of ${r.noopRepeats.small} small / ${r.noopRepeats.large} large, interleaved):`);
  const prow = [['repository', 'phaserunner', 'shell baseline', 'ratio', 'added per task']];
  for (const [name, s] of Object.entries(r.sizes)) prow.push([name, ms(s.perTask.runnerMs), ms(s.perTask.baselineMs), ratio(s.perTask.ratio), ms(s.perTask.addedPerTaskMs)]);
  lines.push(table(prow).replace(/^/gm, '    '));
  for (const [name, s] of Object.entries(r.sizes)) {
    for (const m of [{ sleepSeconds: r.sleepSeconds, ...s.makespan }, ...(s.longer ?? [])]) {
      lines.push(`  target on ${name}, agents sleeping ${m.sleepSeconds} s: ${r.target}: ${ratio(m.ratio)} ${m.ratio <= TARGET ? 'met' : 'NOT MET'}`);
    }
  }
  return lines.join('\n');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const size = process.argv.indexOf('--size');
  console.log(formatExecution(await runExecutionBench({ smoke: process.argv.includes('--smoke'), sizes: size < 0 ? undefined : [process.argv[size + 1]] })));
}
