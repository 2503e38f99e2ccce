// No process outlives its attempt (issue 16): the dispatch wrapper is a child subreaper, so
// what an agent leaves running (a setsid daemon, a double fork, one that empties its
// environment) is found below it and stopped before exit.json is written, and the attempt
// fails naming it. The daemons here wait for exit.json and then attack (rewrite it, leave a
// marker): stopped first, they never get to.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPython, launcherArgv } from '../../src/dispatch/launcher.js';
import type { DispatchSpec } from '../../src/dispatch/spec.js';
import type { StatusView } from '../../src/runner/status.js';
import { shellWord } from '../../src/util/shell.js';
import { auditOf } from '../helpers/audit.js';
import { cli, json } from '../helpers/cli.js';
import { git, ROOT, shellAgentRepo, tempDir } from '../helpers/git.js';
import { isAlive, runsOf, until } from '../helpers/setup.js';

const WRAPPER = join(ROOT, 'dist', 'dispatch', 'wrapper.js');
const SETSID = spawnSync('sh', ['-c', 'command -v setsid'], { encoding: 'utf8' }).stdout.trim();

/**
 * A daemon's body: records its pid, waits for the wrapper's exit.json, then overwrites it with
 * a passing one and leaves a marker, and stays. `$1` is exit.json, `$2` the marks directory,
 * `$3` its name.
 */
const DAEMON = `echo $$ > "$2/$3.pid"; while [ ! -e "$1" ]; do sleep 0.05; done; printf '{"exit_code":0,"signal":null,"pid":1,"started_at":"2026-01-01T00:00:00.000Z","finished_at":"2026-01-01T00:00:01.000Z","duration_ms":1000}' > "$1"; echo ran > "$2/$3.marker"; exec sleep 300`;

/**
 * Shell lines that start daemons and wait until they run: "setsid" in a session of its own
 * (out of the agent's process group), "double" double-forked (its parent exits at once, so it
 * is orphaned) with an empty environment (no run id to be found by). `exitJson` is a shell word.
 */
function startDaemons(exitJson: string, marks: string, names: readonly ('setsid' | 'double')[] = ['setsid', 'double']): string {
  const start = {
    setsid: `setsid sh -c ${shellWord(DAEMON)} sh ${exitJson} ${shellWord(marks)} setsid &`,
    double: `( env -i ${SETSID} /bin/sh -c ${shellWord(DAEMON)} sh ${exitJson} ${shellWord(marks)} double & )`,
  };
  const started = names.map((name) => `[ -s ${shellWord(join(marks, `${name}.pid`))} ]`).join(' && ');
  return `${names.map((name) => start[name]).join('\n')}
until ${started}; do sleep 0.05; done`;
}

const pidIn = (marks: string, name: string): number => Number(readFileSync(join(marks, `${name}.pid`), 'utf8').trim());

interface ExitJson {
  exit_code: number | null;
  stragglers?: { pid: number; argv0: string }[];
  stragglers_count?: number;
}

/** A phase 1 agent that writes its outputs; on its first attempt it starts the daemons first and exits `code`. */
function daemonAgentRepo(marks: string, code: number): string {
  return shellAgentRepo(
    `#!/bin/sh
set -e
mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md
if [ "$PHASERUNNER_ATTEMPT" = 1 ]; then
  exit_json="$(dirname "$PHASERUNNER_PROMPT_FILE")/exit.json"
  ${startDaemons('"$exit_json"', marks)}
  exit ${code}
fi
`,
    { stdin: false },
  );
}

describe('an agent that leaves processes running', () => {
  it('has them stopped before exit.json, even one out of its session with an empty environment; the attempt fails naming them, and the retry merges', () => {
    const marks = tempDir();
    const repo = daemonAgentRepo(marks, 0);
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    const daemons = [pidIn(marks, 'setsid'), pidIn(marks, 'double')];
    // Stopped: gone, and never got to their attack, which was to come once exit.json existed.
    for (const pid of daemons) expect(isAlive(pid), `daemon ${pid}`).toBe(false);
    expect(existsSync(join(marks, 'setsid.marker'))).toBe(false);
    expect(existsSync(join(marks, 'double.marker'))).toBe(false);

    // exit.json is the wrapper's: the agent's true exit code, and the processes it found.
    const [run] = runsOf(repo);
    if (run === undefined) throw new Error('no run');
    const exit = JSON.parse(readFileSync(join(run.run_dir, 'exit.json'), 'utf8')) as ExitJson;
    expect(exit.exit_code).toBe(0);
    expect(exit.stragglers?.map((p) => p.pid)).toEqual(expect.arrayContaining(daemons));
    expect(exit.stragglers_count).toBeGreaterThanOrEqual(2);
    expect(readFileSync(join(run.run_dir, 'wrapper.log'), 'utf8')).toContain('containment: child subreaper');

    // The reason names them, in the run's output, status and show.
    const reason = new RegExp(`the agent left \\d+ processes running after it ended \\(.*pid ${daemons[0]} "(sh|sleep)".*\\); the wrapper stopped them\\.`);
    expect(first.stderr).toMatch(/the agent left \d+ processes running after it ended/);
    expect(first.stderr).toContain(`pid ${daemons[1]} `);
    expect(first.stderr).not.toContain('Besides'); // it exited 0: the processes alone fail it
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]).toMatchObject({ phase: 1, state: 'failed', merge: null });
    expect(status.phases[0]?.reason).toMatch(reason);
    expect(cli(repo, ['show', '1']).stdout).toContain(`pid ${daemons[1]} `);
    expect(auditOf(repo).code).toBe(0);

    // Retried like any failed attempt: the second attempt starts nothing and merges.
    const retry = cli(repo, ['retry', '1', '--wait', '--until', '1']);
    expect(retry.code, retry.stderr).toBe(0);
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main', 'planning')).toBe('planning/adr/0001-x.md\nplanning/architecture.md');
    const audit = auditOf(repo);
    expect(audit.code, JSON.stringify(audit.report)).toBe(0);
  });

  it('that exits non-zero keeps its true exit code in exit.json, and the reason names both', () => {
    const marks = tempDir();
    const repo = daemonAgentRepo(marks, 4);
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(1);
    expect(result.stderr).toMatch(/the agent left \d+ processes running after it ended \(.*\); the wrapper stopped them\..* Besides, the agent exited with code 4\./);
    const [run] = runsOf(repo);
    const exit = JSON.parse(readFileSync(join(run?.run_dir ?? '', 'exit.json'), 'utf8')) as ExitJson;
    expect(exit.exit_code).toBe(4);
    for (const name of ['setsid', 'double']) {
      expect(isAlive(pidIn(marks, name))).toBe(false);
      expect(existsSync(join(marks, `${name}.marker`))).toBe(false);
    }
  });
});

describe('an attempt whose wrapper was killed', () => {
  it('has, with its agent, every process that still carries its run id stopped, and fails as crashed naming them', async () => {
    const marks = tempDir();
    const repo = shellAgentRepo(
      `#!/bin/sh
setsid sh -c ${shellWord(`echo $$ > ${shellWord(join(marks, 'daemon.pid'))}; exec sleep 300`)} &
echo $$ > ${shellWord(join(marks, 'agent.pid'))}
exec sleep 300
`,
      { stdin: false },
    );
    expect(cli(repo, ['run']).code).toBe(0);
    const [run] = runsOf(repo);
    if (run?.wrapper_pid == null) throw new Error('no wrapper recorded');
    await until(() => existsSync(join(marks, 'daemon.pid')) && existsSync(join(marks, 'agent.pid')) && existsSync(join(run.run_dir, 'started.json')), 15_000, 'the agent and its daemon');
    const [agent, daemon] = [pidIn(marks, 'agent'), pidIn(marks, 'daemon')];
    process.kill(run.wrapper_pid, 'SIGKILL');
    await until(() => !isAlive(run.wrapper_pid ?? 0), 5_000, 'the wrapper to die');
    expect(isAlive(daemon)).toBe(true);
    const result = cli(repo, ['run']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`(its agent, pid ${agent}, was still running and has been stopped); another process of the attempt still ran and has been stopped (pid ${daemon} "sleep"); the attempt crashed.`);
    expect(isAlive(agent)).toBe(false);
    expect(isAlive(daemon)).toBe(false);
  });
});

describe('the dispatch wrapper', () => {
  /** A run directory whose agent starts daemons and exits 0. */
  function runDirWithDaemons(names?: readonly ('setsid' | 'double')[]): { runDir: string; marks: string } {
    const runDir = tempDir();
    const marks = tempDir();
    const spec: DispatchSpec = {
      run_id: '01STRAGGLERTEST',
      argv: ['sh', '-c', startDaemons(shellWord(join(runDir, 'exit.json')), marks, names)],
      cwd: runDir,
      env: {},
      stdin_file: null,
      timeout_ms: 60_000,
      kill_grace_ms: 100,
    };
    writeFileSync(join(runDir, 'dispatch.json'), JSON.stringify(spec));
    return { runDir, marks };
  }

  it('started through the launcher is a child subreaper: what left the group is found below it, whatever its environment', () => {
    const python = findPython();
    if (python === undefined) throw new Error('these tests need python3 on PATH (every machine that runs them has it)');
    const { runDir, marks } = runDirWithDaemons();
    const [program = '', ...args] = launcherArgv(python, [process.execPath, WRAPPER, runDir]);
    expect(spawnSync(program, args, { encoding: 'utf8' }).status).toBe(0);
    const exit = JSON.parse(readFileSync(join(runDir, 'exit.json'), 'utf8')) as ExitJson;
    const daemons = [pidIn(marks, 'setsid'), pidIn(marks, 'double')];
    expect(exit.stragglers?.map((p) => p.pid)).toEqual(expect.arrayContaining(daemons));
    for (const pid of daemons) expect(isAlive(pid)).toBe(false);
    expect(readFileSync(join(runDir, 'wrapper.log'), 'utf8')).toMatch(/the agent left \d+ process\(es\) running, stopped: /);
  });

  it('started without the launcher (no python3) falls back on the group, and still stops what keeps the run id', () => {
    // Only the daemon that keeps its environment: that is what the fallback can find (one that
    // empties it and leaves the group escapes, which is what doctor's containment check warns of).
    const { runDir, marks } = runDirWithDaemons(['setsid']);
    expect(spawnSync(process.execPath, [WRAPPER, runDir], { encoding: 'utf8' }).status).toBe(0);
    const exit = JSON.parse(readFileSync(join(runDir, 'exit.json'), 'utf8')) as ExitJson;
    const daemon = pidIn(marks, 'setsid');
    expect(exit.stragglers?.map((p) => p.pid)).toContain(daemon);
    expect(isAlive(daemon)).toBe(false);
    expect(readFileSync(join(runDir, 'wrapper.log'), 'utf8')).toContain("containment: the agent's process group only, and processes that keep PHASERUNNER_RUN_ID (not started through the subreaper launcher)");
  });
});

describe('doctor', () => {
  interface Check {
    name: string;
    ok: boolean;
    level: string;
    message: string;
    fix: string | null;
    details: { processes: { pid: number; command: string; run_id: string | null; cwd: string | null }[] };
  }
  const stragglersCheck = (repo: string): { code: number | null; check: Check | undefined } => {
    const result = cli(repo, ['doctor', '--json']);
    return { code: result.code, check: json<{ checks: Check[] }>(result).checks.find((c) => c.name === 'stragglers') };
  };

  it("reports a process of an attempt that runs with no wrapper (by its run id, or by working in a phase checkout), fails with 2 and the kill command, and is clean once it is stopped; an agent under its live wrapper is not one", async () => {
    const marks = tempDir();
    const repo = shellAgentRepo(`#!/bin/sh\necho $$ > ${shellWord(join(marks, 'agent.pid'))}\nexec sleep 300\n`, { stdin: false });
    expect(cli(repo, ['run']).code).toBe(0);
    const [run] = runsOf(repo);
    if (run === undefined) throw new Error('no run');
    await until(() => existsSync(join(marks, 'agent.pid')), 15_000, 'the agent to start');
    // The agent runs under its wrapper, which stops it when the attempt ends.
    expect(stragglersCheck(repo)).toMatchObject({ check: { ok: true, level: 'ok' } });

    // Two left behind: one carries the run id; the other has none but works in the checkout.
    const start = (cwd: string, env: NodeJS.ProcessEnv) => spawn('sleep', ['300'], { cwd, env, detached: true, stdio: 'ignore' });
    const marked = start(tempDir(), { PATH: process.env.PATH, PHASERUNNER_RUN_ID: run.run_id });
    const inCheckout = start(run.worktree, { PATH: process.env.PATH });
    try {
      const pids = [marked.pid ?? 0, inCheckout.pid ?? 0];
      await until(() => pids.every((pid) => isAlive(pid)), 5_000, 'the processes to start');
      const { code, check } = stragglersCheck(repo);
      expect(code).toBe(2);
      expect(check).toMatchObject({ ok: false, level: 'fail' });
      expect(check?.details.processes).toEqual(
        expect.arrayContaining([
          { pid: pids[0], command: 'sleep', run_id: run.run_id, cwd: expect.any(String) as unknown },
          { pid: pids[1], command: 'sleep', run_id: null, cwd: realpathSync(run.worktree) },
        ]),
      );
      expect(check?.details.processes).toHaveLength(2);
      const human = cli(repo, ['doctor']);
      expect(human.code).toBe(2);
      expect(human.stdout).toContain(`✗ stragglers: 2 processes of this repository's attempts still run with no wrapper to stop them`);
      expect(human.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^Next: Stop them: \`kill (${pids[0]} ${pids[1]}|${pids[1]} ${pids[0]})\``));
    } finally {
      marked.kill('SIGKILL');
      inCheckout.kill('SIGKILL');
    }
    await until(() => !isAlive(marked.pid ?? 0) && !isAlive(inCheckout.pid ?? 0), 5_000, 'the processes to be stopped');
    expect(stragglersCheck(repo)).toMatchObject({ check: { ok: true, level: 'ok', details: { processes: [] } } });
  });
});
