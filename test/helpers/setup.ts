// Ready-made repositories for end-to-end tests.
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { shellWord } from '../../src/util/shell.js';
import { cli } from './cli.js';
import { repoWithIntent, scriptedConfig, shellAgentRepo, tempDir, writeConfig } from './git.js';
import { readStore } from './store.js';

/** A repository with the demo intent, configured for the scripted agent with these behaviors. */
export function scriptedRepo(behaviors: Record<string, string | string[]> = {}, extra: Record<string, unknown> = {}): string {
  const dir = repoWithIntent();
  writeConfig(dir, scriptedConfig(extra, Object.keys(behaviors).length > 0 ? { behaviors } : {}));
  return dir;
}

export interface RunInfo {
  run_id: string;
  phase: number;
  attempt: number;
  step: string;
  run_dir: string;
  worktree: string;
  wrapper_pid: number | null;
  failure: string | null;
  base_sha: string;
}

export function runsOf(repo: string): RunInfo[] {
  return readStore<RunInfo>(repo, 'SELECT *, CAST(step_id AS INTEGER) AS phase FROM runs ORDER BY CAST(step_id AS INTEGER), attempt');
}

/** The agent's pid, from the wrapper's started.json. */
export function agentPid(runDir: string): number {
  return (JSON.parse(readFileSync(join(runDir, 'started.json'), 'utf8')) as { agent_pid: number }).agent_pid;
}

/** Whether the process still runs: an exited one nobody has reaped yet (a zombie) does not. */
export function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    // /proc/<pid>/stat: "pid (comm) S ...", the state after the last ')'.
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2, stat.lastIndexOf(')') + 3) !== 'Z';
  } catch {
    return process.platform !== 'linux';
  }
}

/** Polls until `predicate` holds (for background processes); throws after `ms`. */
export async function until(predicate: () => boolean, ms = 15_000, what = 'condition'): Promise<void> {
  const deadline = Date.now() + ms;
  const holds = (): boolean => {
    try {
      return predicate();
    } catch {
      // Not there yet (the store, a file the runner has still to write).
      return false;
    }
  };
  while (!holds()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** Dispatches phase 1 on an agent that hangs (one `run` pass) and waits until it has started. */
export async function dispatchHanging(): Promise<{ repo: string; run: RunInfo & { wrapper_pid: number }; agent: number }> {
  const repo = scriptedRepo({ '1': 'hang' });
  const result = cli(repo, ['run']);
  if (result.code !== 0) throw new Error(`run failed: ${result.stderr}`);
  const [run] = runsOf(repo);
  if (run?.wrapper_pid == null) throw new Error('no run was recorded');
  await until(() => existsSync(join(run.run_dir, 'started.json')), 15_000, 'started.json');
  return { repo, run: { ...run, wrapper_pid: run.wrapper_pid }, agent: agentPid(run.run_dir) };
}

/**
 * A repository whose agent (a shell script, for phase 1) works until the test lets it finish:
 * it prints a line every 0.1 s until `release()` is called, then writes phase 1's outputs and
 * exits 0. Nothing depends on how fast the machine is. Call `release()` in a `finally` too, so
 * no agent outlives its test.
 */
export function heldAgentRepo(): { repo: string; release: () => void } {
  const go = join(tempDir(), 'go');
  const script = `#!/bin/sh
set -e
while [ ! -e ${shellWord(go)} ]; do echo "waiting for the test"; sleep 0.1; done
mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md
echo "wrote phase 1"
`;
  return {
    repo: shellAgentRepo(script, { stdin: false }),
    release: () => {
      writeFileSync(go, '');
    },
  };
}
