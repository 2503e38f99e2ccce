#!/usr/bin/env node
// The dispatch wrapper: a small process between the runner and the agent.
//   node wrapper.js <run-dir> [<launch>]
// (launch: which launch of the attempt this wrapper is, 1 when absent; see claim.ts).
// It reads dispatch.json, starts the agent in its own process group with stdout/stderr going
// straight to log files, enforces the phase timeout by killing the whole group (SIGTERM, then
// SIGKILL after the grace period), and when the agent ends stops whatever the agent left
// running (reap.ts: started through launch.ts's launcher, this process is a child subreaper,
// so every process below the agent stays below it) and then writes exit.json atomically.
// It is the only writer of exit.json that counts: an agent can find the run directory (its
// prompt file is there) and write one too, so the runner trusts exit.json only once this
// process has exited (dispatch/probe.ts).
import { spawn, type ChildProcess } from 'node:child_process';
import { appendFileSync, fstatSync, openSync, readFileSync } from 'node:fs';
import type { AgentReport } from './agent-output/types.js';
import { agentReport } from './agent-output/read.js';
import { takeClaim } from './claim.js';
import type { ExitFile } from './exit-file.js';
import { SUBREAPER_ENV } from './launcher.js';
import { nameStragglers, reapAttempt, RUN_ID_ENV, STRAGGLERS_NAMED, type Reaped } from './reap.js';
import { runFiles } from './run-dir.js';
import { parseDispatchSpec } from './spec.js';
import { writeFileAtomic } from '../util/fs.js';
import { killGroup } from '../util/process.js';
import { startTicksOf } from '../util/procfs.js';

const runDir = process.argv[2];
const launch = Number(process.argv[3] ?? '1');
if (runDir === undefined || !Number.isSafeInteger(launch) || launch < 1) {
  console.error('usage: wrapper.js <run-dir> [<launch>]');
  process.exit(64);
}
const files = runFiles(runDir);

function log(message: string): void {
  appendFileSync(files.wrapperLog, `${new Date().toISOString()} ${message}\n`);
}

const spec = parseDispatchSpec(readFileSync(files.spec, 'utf8'), files.spec);
const startedAt = new Date();
let timedOut = false;
let outputExceeded = false;
let finished = false;
let ending = false;
/** How long processes the agent stopped as it exited get to end by themselves before they count as left running. */
const SETTLE_MS = 500;
/** How long the wrapper keeps stopping what the agent left running before it gives up and reports the rest. */
const REAP_DEADLINE_MS = 5_000;

type AgentEnd = Pick<ExitFile, 'exit_code' | 'signal' | 'pid'> & { error?: string };

/**
 * The agent ended (or never started): stop everything the attempt left running, then record
 * it. exit.json comes last, so that no process of the attempt is left to rewrite it, or
 * anything else, once the runner starts judging.
 */
async function end(result: AgentEnd): Promise<void> {
  if (ending) return;
  ending = true;
  let reaped: Reaped = { stragglers: [], survivors: [] };
  try {
    reaped = await reapAttempt({ runId: spec.run_id, below: process.pid, settleMs: SETTLE_MS, deadlineMs: REAP_DEADLINE_MS, since: startTicksOf(process.pid) });
  } catch (error) {
    log(`could not look for processes the agent left running: ${(error as Error).message}`);
  }
  if (reaped.stragglers.length > 0) {
    log(`the agent left ${reaped.stragglers.length} process(es) running, stopped: ${nameStragglers(reaped.stragglers)}`);
  }
  if (reaped.survivors.length > 0) log(`still running after ${REAP_DEADLINE_MS} ms of stopping them: ${reaped.survivors.join(', ')}`);
  finish(result, reaped);
}

function finish(result: AgentEnd, reaped: Reaped = { stragglers: [], survivors: [] }): void {
  if (finished) return;
  finished = true;
  const finishedAt = new Date();
  const exit: ExitFile = {
    exit_code: result.exit_code,
    signal: result.signal,
    pid: result.pid,
    started_at: startedAt.toISOString(),
    finished_at: finishedAt.toISOString(),
    duration_ms: finishedAt.getTime() - startedAt.getTime(),
    ...(timedOut ? { timed_out: true } : {}),
    ...(outputExceeded ? { output_exceeded: true } : {}),
    ...(result.error === undefined ? {} : { error: result.error }),
    ...(reaped.stragglers.length === 0 ? {} : { stragglers: reaped.stragglers.slice(0, STRAGGLERS_NAMED), stragglers_count: reaped.stragglers.length }),
    ...agentOwnReport(),
  };
  writeFileAtomic(files.exit, JSON.stringify(exit, null, 2) + '\n');
  log(`agent ended: exit_code=${String(exit.exit_code)} signal=${String(exit.signal)} timed_out=${String(timedOut)}`);
  process.exit(0);
}

/** Usage and failures the agent CLI reported in its structured stdout; never stops exit.json. */
function agentOwnReport(): AgentReport {
  if (spec.output_format === undefined) return {};
  try {
    return agentReport(spec.output_format, files.stdout);
  } catch (error) {
    log(`could not read the agent's report from ${files.stdout}: ${(error as Error).message}`);
    return {};
  }
}

// The wrapper has no terminal; these must not end it before it records the agent's end.
process.on('SIGHUP', () => undefined);
process.on('SIGINT', () => undefined);

// Test-only: a wrapper that stalls here (having read dispatch.json, not yet claimed), as a
// slow machine can make it, so that a test can retire its launch meanwhile
// (test/e2e/kill-runner.test.ts). Nothing else reads it, and the agent does not inherit it.
const stall = Number(process.env.PHASERUNNER_TEST_WRAPPER_STALL_MS ?? '0');
Reflect.deleteProperty(process.env, 'PHASERUNNER_TEST_WRAPPER_STALL_MS');
if (Number.isSafeInteger(stall) && stall > 0) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, stall);

// Set by the launcher (launch.ts) when it made this process a child subreaper; not for the agent.
const subreaper = process.env[SUBREAPER_ENV];
Reflect.deleteProperty(process.env, SUBREAPER_ENV);

// Claim this launch before starting anything. A runner that found no live wrapper for it
// claimed it first and may have launched the attempt again since: this wrapper must then
// start nothing, however late it got here. The spec it read is checked too, though a spec
// of a later launch is only ever written once this launch's claim is the runner's.
if ((spec.launch ?? 1) !== launch) {
  log(`launch ${launch}: dispatch.json is for launch ${spec.launch ?? 1}; this launch was retired, not starting the agent`);
  process.exit(0);
}
if (!takeClaim(runDir, launch, { by: 'wrapper', pid: process.pid })) {
  log(`launch ${launch}: already claimed (a runner found no wrapper and retired this launch): not starting the agent`);
  process.exit(0);
}

const [program, ...args] = spec.argv;
const stdin = spec.stdin_file === null ? 'ignore' : openSync(spec.stdin_file, 'r');
const out = openSync(files.stdout, 'a');
const err = openSync(files.stderr, 'a');
let child: ChildProcess;
try {
  child = spawn(program ?? '', args, {
    cwd: spec.cwd,
    // The whole environment, an allowlist worked out at dispatch (nothing of the runner's own),
    // and the run id the reaper and doctor find the attempt's processes by.
    env: { ...spec.env, [RUN_ID_ENV]: spec.run_id },
    stdio: [stdin, out, err],
    // Its own process group: a timeout (or a stop) kills the agent and everything it started.
    detached: true,
  });
} catch (error) {
  finish({ exit_code: 127, signal: null, pid: null, error: (error as Error).message });
  throw error;
}

child.on('error', (error) => {
  void end({ exit_code: 127, signal: null, pid: child.pid ?? null, error: error.message });
});

if (child.pid !== undefined) {
  const pid = child.pid;
  writeFileAtomic(
    files.started,
    JSON.stringify({ wrapper_pid: process.pid, agent_pid: pid, started_at: startedAt.toISOString() }) + '\n',
  );
  log(`agent started: pid=${pid} launch=${launch} argv=${JSON.stringify(spec.argv)}`);
  log(
    subreaper === '1'
      ? 'containment: child subreaper (every process the agent starts stays below this wrapper, and is stopped when the agent ends)'
      : `containment: the agent's process group only, and processes that keep ${RUN_ID_ENV} (${subreaper === undefined ? 'not started through the subreaper launcher' : `the launcher could not make this wrapper a subreaper: ${subreaper}`})`,
  );
  const timer = setTimeout(() => {
    timedOut = true;
    log(`timeout after ${spec.timeout_ms} ms: SIGTERM to group ${pid}`);
    killGroup(pid, 'SIGTERM');
    setTimeout(() => {
      log(`grace period over: SIGKILL to group ${pid}`);
      killGroup(pid, 'SIGKILL');
    }, spec.kill_grace_ms).unref();
  }, spec.timeout_ms);
  // An agent stuck printing fills the disk: its logs are watched, and past the limit the
  // whole group is stopped at once (there is nothing to wind down gracefully).
  const limit = spec.max_output_bytes;
  const watch =
    limit === undefined
      ? undefined
      : setInterval(() => {
          if (fstatSync(out).size + fstatSync(err).size <= limit) return;
          outputExceeded = true;
          log(`output over ${limit} bytes: SIGKILL to group ${pid}`);
          killGroup(pid, 'SIGKILL');
        }, 500);
  watch?.unref();
  // Someone stopping the wrapper stops the agent too, and exit.json still gets written.
  process.on('SIGTERM', () => {
    log('SIGTERM received: stopping the agent group');
    killGroup(pid, 'SIGTERM');
  });
  child.on('exit', (code, signal) => {
    clearTimeout(timer);
    if (watch !== undefined) clearInterval(watch);
    // Whatever the agent left running in its group goes with it, as ever; what left the group
    // (a new session, a daemon) is found and stopped before exit.json, and fails the attempt.
    killGroup(pid, 'SIGKILL');
    void end({ exit_code: code, signal, pid });
  });
}
