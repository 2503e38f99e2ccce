// A runner killed while it dispatches never costs an attempt: an attempt whose agent provably
// never started (the runner holds the claim of its launch, so no wrapper ever claimed it) is
// launched again as the same attempt, and exactly one agent ever runs per attempt, even when
// an old wrapper gets to its claim late. Then the runner is killed with kill -9 at random
// moments, again and again, and every phase still merges once, as attempt 1.
import type { ChildProcess } from 'node:child_process';
import { randomInt } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, rmSync, watch, type FSWatcher } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync, json } from '../helpers/cli.js';
import { git } from '../helpers/git.js';
import { isAlive, runsOf, scriptedRepo, until } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import { seeded } from '../helpers/random.js';

const STALL = 'PHASERUNNER_TEST_WRAPPER_STALL_MS';

/** Live processes whose command line contains `marker` (a wrapper names its run directory there). */
function processesWith(marker: string): number[] {
  const found: number[] = [];
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/cmdline`, 'utf8').includes(marker) && isAlive(Number(name))) found.push(Number(name));
    } catch {
      // Gone meanwhile.
    }
  }
  return found;
}

/** Live processes of a run: its wrappers (the run directory on their command line) and its agent (the run id in its environment). */
function processesOfRun(runDir: string, runId: string): number[] {
  const found = new Set(processesWith(runDir));
  for (const name of readdirSync('/proc')) {
    if (!/^\d+$/.test(name)) continue;
    try {
      if (readFileSync(`/proc/${name}/environ`, 'utf8').split('\0').includes(`PHASERUNNER_RUN_ID=${runId}`) && isAlive(Number(name))) found.add(Number(name));
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
  return [...found];
}

interface ClaimFile {
  readonly name: string;
  readonly by: string;
  readonly pid: number | null;
  readonly wrapper_pid?: number | null;
}

/** The claims of a run's launches, in launch order (claim.json, claim-2.json, ...). */
function claimsOf(runDir: string): ClaimFile[] {
  const launch = (name: string): number => Number(/^claim-(\d+)\.json$/.exec(name)?.[1] ?? 1);
  return readdirSync(runDir)
    .filter((name) => /^claim(-\d+)?\.json$/.test(name))
    .sort((a, b) => launch(a) - launch(b))
    .map((name) => ({ name, ...(JSON.parse(readFileSync(join(runDir, name), 'utf8')) as Omit<ClaimFile, 'name'>) }));
}

/** The agents each run's wrappers started, by their log. */
function agentStarts(runDir: string): string[] {
  return readFileSync(join(runDir, 'wrapper.log'), 'utf8').split('\n').filter((l) => l.includes(' agent started: '));
}

describe('a wrapper that gets to its claim late', () => {
  it('finds its launch retired by the next runner and starts nothing; the attempt runs once, as attempt 1', async () => {
    const repo = scriptedRepo();
    // The runner dies right after starting the wrapper, before recording its pid; the wrapper
    // has read dispatch.json and stalls before claiming (as on a loaded machine).
    const killed = cli(repo, ['run'], { PHASERUNNER_TEST_CRASH_AT: 'dispatch:wrapper-launched', [STALL]: '5000' });
    expect(killed.signal).toBe('SIGKILL');
    const [run] = runsOf(repo);
    if (run === undefined) throw new Error('no run recorded');
    expect(run.wrapper_pid).toBeNull();
    const [stalled] = processesWith(run.run_dir);
    // It has failed now and then under load: what the run directory holds says why.
    const wrapperLog = join(run.run_dir, 'wrapper.log');
    const seen = `the stalled wrapper; ${run.run_dir} holds ${readdirSync(run.run_dir).join(', ')}; wrapper.log: ${existsSync(wrapperLog) ? readFileSync(wrapperLog, 'utf8') : '(none)'}; the killed runner said: ${killed.stderr}`;
    expect(stalled, seen).toBeDefined();

    // The next runner knows no wrapper for launch 1: it claims it, and launches the attempt again.
    const resumed = cli(repo, ['run', '--wait', '--until', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    await until(() => stalled === undefined || !isAlive(stalled), 20_000, 'the stalled wrapper to exit');

    expect(runsOf(repo).map((r) => [r.phase, r.attempt, r.step])).toEqual([[1, 1, 'merged']]);
    const claims = claimsOf(run.run_dir);
    expect(claims).toEqual([
      { name: 'claim.json', by: 'runner', pid: null, wrapper_pid: null },
      { name: 'claim-2.json', by: 'wrapper', pid: expect.any(Number) as number },
    ]);
    const log = readFileSync(join(run.run_dir, 'wrapper.log'), 'utf8');
    expect(log).toContain('launch 1: already claimed (a runner found no wrapper and retired this launch): not starting the agent');
    expect(agentStarts(run.run_dir)).toEqual([expect.stringContaining(' launch=2 ') as string]);
    expect(JSON.parse(readFileSync(join(run.run_dir, 'started.json'), 'utf8'))).toMatchObject({ wrapper_pid: claims[1]?.pid });
  });
});

describe('an attempt that never started, when the store is lost', () => {
  it('is adopted from its dispatch.json and started again, as the same run and attempt', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run'], { PHASERUNNER_TEST_CRASH_AT: 'dispatch:spec-written' }).signal).toBe('SIGKILL');
    const [before] = runsOf(repo);
    if (before === undefined) throw new Error('no run recorded');
    for (const file of ['state.db', 'state.db-wal', 'state.db-shm']) rmSync(join(repo, '.git', 'phaserunner', file), { force: true });

    const resumed = cli(repo, ['run', '--wait', '--until', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runsOf(repo).map((r) => [r.run_id, r.phase, r.attempt, r.step])).toEqual([[before.run_id, 1, 1, 'merged']]);
    expect(claimsOf(before.run_dir).map((c) => c.by)).toEqual(['runner', 'wrapper']);
    expect(agentStarts(before.run_dir)).toHaveLength(1);
  });
});

describe('a wrapper that dies before it claims', () => {
  it('is launched again, as the same attempt; after three such wrappers the attempt fails, saying no agent ran', async () => {
    const repo = scriptedRepo();
    // Each pass launches a wrapper that stalls before claiming; it is killed there.
    const killWrapper = async (): Promise<void> => {
      const run = runsOf(repo)[0];
      const pid = run?.wrapper_pid;
      if (pid == null) throw new Error('no wrapper recorded');
      process.kill(pid, 'SIGKILL');
      await until(() => !isAlive(pid), 5_000, 'the wrapper to die');
    };
    expect(cli(repo, ['run'], { [STALL]: '60000' }).code).toBe(0);
    await killWrapper();
    // One recorded wrapper gone unclaimed: its launch is retired and the attempt launched again.
    expect(cli(repo, ['run'], { [STALL]: '60000' }).code).toBe(0);
    await killWrapper();
    expect(cli(repo, ['run'], { [STALL]: '60000' }).code).toBe(0);
    await killWrapper();
    const failed = cli(repo, ['run']);
    expect(failed.code).toBe(1);
    expect(failed.stderr).toContain('the dispatch wrapper exited 3 times before it started the agent (see ');
    expect(failed.stderr).toContain('no agent ran for this attempt.');
    const [run] = runsOf(repo);
    expect(claimsOf(run?.run_dir ?? '').map((c) => [c.by, typeof c.wrapper_pid])).toEqual([
      ['runner', 'number'],
      ['runner', 'number'],
      ['runner', 'number'],
    ]);

    // The failure is the attempt's (the wrapper cannot start), and a retry starts attempt 2.
    const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(runsOf(repo).map((r) => [r.phase, r.attempt, r.step])).toEqual([
      [1, 1, 'failed'],
      [1, 2, 'merged'],
    ]);
  });

  it('once, is launched again and the attempt merges as attempt 1', async () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run'], { [STALL]: '60000' }).code).toBe(0);
    const [run] = runsOf(repo);
    const pid = run?.wrapper_pid;
    if (run === undefined || pid == null) throw new Error('no wrapper recorded');
    process.kill(pid, 'SIGKILL');
    await until(() => !isAlive(pid), 5_000, 'the wrapper to die');
    const resumed = cli(repo, ['run', '--wait', '--until', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(runsOf(repo).map((r) => [r.phase, r.attempt, r.step])).toEqual([[1, 1, 'merged']]);
    expect(claimsOf(run.run_dir).map((c) => [c.by, c.by === 'runner' ? c.wrapper_pid : 'own'])).toEqual([
      ['runner', pid],
      ['wrapper', 'own'],
    ]);
  });
});


const KILLS = 50;
/** The scripted agent pauses this long between the files it writes, so that kills land mid-phase. */
const AGENT_DELAY_MS = 400;
/** A runner killed at any moment dies this long after it starts (uniformly), unless it finishes first. */
const ANYTIME_MS = [60, 1000] as const;
/** A runner killed as it dispatches dies this long after it creates a run directory (uniformly). */
const DISPATCHING_MS = 80;
/** A runner killed as it launches a wrapper dies this long after it writes dispatch.json (uniformly). */
const LAUNCHING_MS = 6;
/** A runner to be killed as it launches a wrapper that launches none is killed after this long all the same. */
const LAUNCHING_AT_MOST_MS = 3000;
/** Wrappers stall up to this long before they claim (uniformly), as on a loaded machine. */
const WRAPPER_STALL_MS = 300;
/**
 * The wrapper a runner killed as it launches one leaves behind stalls this long: longer than
 * the next runner takes to look, which then finds no wrapper it knows and no claim, retires
 * the launch and starts the attempt again, while the old wrapper is still on its way.
 */
const LAUNCHED_STALL_MS = 1200;

interface KillPlan {
  /** any moment; as it dispatches a phase; as it launches a wrapper. */
  readonly mode: 'anytime' | 'dispatching' | 'launching';
  readonly anytimeMs: number;
  readonly afterEventMs: number;
  readonly stallMs: number;
}

/**
 * When to kill the next runner: at any moment of its life, or just after it starts
 * dispatching a phase (a run directory appears), or just after it writes a dispatch.json.
 * The moments between recording the run, writing dispatch.json, starting the wrapper and
 * recording its pid last a few milliseconds: a kill at any moment would hardly ever land there.
 */
function killPlan(random: () => number): KillPlan {
  const pick = random();
  const mode = pick < 0.3 ? 'anytime' : pick < 0.55 ? 'dispatching' : 'launching';
  const anytimeMs = ANYTIME_MS[0] + random() * (ANYTIME_MS[1] - ANYTIME_MS[0]);
  const afterEventMs = random() * (mode === 'launching' ? LAUNCHING_MS : DISPATCHING_MS);
  const stallMs = mode === 'launching' ? LAUNCHED_STALL_MS : Math.round(random() * WRAPPER_STALL_MS);
  return { mode, anytimeMs, afterEventMs, stallMs };
}

/** Kills the runner as planned; returns what to call once it has ended. */
function killAsPlanned(repo: string, runner: ChildProcess, plan: KillPlan): () => void {
  const kill = (): void => {
    runner.kill('SIGKILL');
  };
  const timers: NodeJS.Timeout[] = [];
  const watchers: FSWatcher[] = [];
  const later = (ms: number): void => {
    timers.push(setTimeout(kill, ms));
  };
  const runs = join(repo, '.git', 'phaserunner', 'runs');
  if (plan.mode === 'anytime' || !existsSync(runs)) {
    later(plan.anytimeMs);
  } else {
    // dispatch.json is written aside and renamed into place: one event naming it.
    const watchRun = (dir: string): void => {
      try {
        watchers.push(
          watch(dir, (_event, name) => {
            if (name === 'dispatch.json') later(plan.afterEventMs);
          }),
        );
      } catch {
        // Gone already.
      }
    };
    const known = new Set(readdirSync(runs));
    // The newest run may be one the runner launches again.
    const newest = [...known].sort().at(-1);
    if (plan.mode === 'launching' && newest !== undefined) watchRun(join(runs, newest));
    watchers.push(
      watch(runs, (_event, name) => {
        if (name === null || known.has(name)) return;
        known.add(name);
        if (plan.mode === 'dispatching') later(plan.afterEventMs);
        else watchRun(join(runs, name));
      }),
    );
    // A runner with nothing to dispatch (collecting, committing, merging) is killed all the same,
    // later when it is waited for as it launches: most then reach their next dispatch.
    later(plan.mode === 'launching' ? LAUNCHING_AT_MOST_MS : plan.anytimeMs * 2);
  }
  return () => {
    for (const w of watchers) w.close();
    for (const timer of timers) clearTimeout(timer);
  };
}

describe('kill -9 of the runner at random moments', () => {
  it(`never costs an attempt: ${KILLS} kills, each followed by a resume, and every phase merges once as attempt 1`, async () => {
    // The seed fixes when each runner is killed; where that lands still depends on the
    // machine's speed, so a replay reproduces the kill times, not always the same moments.
    const seed = Number(process.env.PHASERUNNER_TEST_KILL_SEED ?? randomInt(2 ** 31));
    const replay = `seed ${seed}: replay with PHASERUNNER_TEST_KILL_SEED=${seed} npx vitest run test/e2e/kill-runner.test.ts`;
    const random = seeded(seed);
    const started = Date.now();
    let kills = 0;
    let relaunches = 0;
    let rounds = 0;
    // Rounds of planning from scratch, until the runner has been killed often enough.
    while (kills < KILLS) {
      rounds++;
      const repo = scriptedRepo({}, { agents: { scripted: { type: 'scripted', delay_ms: AGENT_DELAY_MS } } });
      const where = (): string => `round ${rounds}, after ${kills} kills in all (${replay}; repository ${repo})`;
      for (;;) {
        // Once there have been enough kills, the last resume runs to the end.
        const plan = kills < KILLS ? killPlan(random) : undefined;
        const runner = cliAsync(repo, ['run', '--wait'], { [STALL]: String(plan?.stallMs ?? 0) });
        const stop = plan === undefined ? () => undefined : killAsPlanned(repo, runner.child, plan);
        const result = await runner.done;
        stop();
        if (result.code === null) {
          kills++;
          continue;
        }
        // Not killed: it ran to the end, and the end is planning complete, never a failure.
        expect(result.code, `run --wait exited ${String(result.code)}, ${where()}:\n${result.stderr}`).toBe(0);
        break;
      }

      const status = json<{ phases: { phase: number; state: string; attempts: number }[] }>(cli(repo, ['status', '--json']));
      expect(status.phases.map((p) => [p.phase, p.state, p.attempts]), where()).toEqual([1, 2, 3, 4].map((p) => [p, 'done', 1]));
      // Every phase merged once into main, by attempt 1, each by its own run.
      const merges = git(repo, 'log', '--first-parent', '--merges', '--reverse', '--format=%(trailers:key=Phase,key=Attempt,key=Run-Id,separator=%x1f)', 'main')
        .split('\n')
        .map((line) => new Map(line.split('\x1f').map((t) => t.split(': ') as [string, string])));
      expect(merges.map((m) => [m.get('Phase'), m.get('Attempt')]), where()).toEqual([['1', '1'], ['2', '1'], ['3', '1'], ['4', '1']]);
      const runs = runsOf(repo);
      expect(runs.map((r) => [r.phase, r.attempt, r.step, r.failure]), where()).toEqual([1, 2, 3, 4].map((p) => [p, 1, 'merged', null]));
      expect(merges.map((m) => m.get('Run-Id')), where()).toEqual(runs.map((r) => r.run_id));
      // Exactly one agent per attempt, whatever launches it took.
      for (const run of runs) {
        expect(agentStarts(run.run_dir), `${run.run_dir}, ${where()}`).toHaveLength(1);
        const claims = claimsOf(run.run_dir);
        expect(claims.filter((c) => c.by === 'wrapper'), `${run.run_dir}, ${where()}`).toHaveLength(1);
        relaunches += claims.length - 1;
      }

      const audit = cli(repo, ['audit', '--json']);
      expect(audit.code, `${audit.stdout}\n${where()}`).toBe(0);
      expect(readStore<{ integrity_check: string }>(repo, 'PRAGMA integrity_check'), where()).toEqual([{ integrity_check: 'ok' }]);
      // Nothing left running: a wrapper exits a moment after writing exit.json.
      for (const run of runs) await until(() => processesOfRun(run.run_dir, run.run_id).length === 0, 5_000, `the processes of run ${run.run_id} to exit, ${where()}`);
    }
    console.info(`kill -9 at random moments: ${kills} kills over ${rounds} rounds, ${relaunches} attempts launched again, ${Math.round((Date.now() - started) / 1000)} s (${replay})`);
  }, 300_000);
});
