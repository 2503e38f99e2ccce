// Running the built scripted agent in task mode as the dispatch wrapper does (its own process,
// in the task's checkout, PHASERUNNER_WORKSTREAM=execution and PHASERUNNER_TASK set), and
// running a task's checks for real. Shared by the scripted-task-* tests.
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { mkdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIntent } from '../../src/scripted-agent/intent.js';
import { planArtifacts } from '../../src/scripted-agent/plan.js';
import { SCRIPTED_AGENT_SCRIPT } from '../../src/paths.js';
import { parsePlan, problemText, type NormalisedTask } from '../../src/planning/plan.js';
import { matcherFor } from '../../src/util/glob.js';
import { testEnv } from '../helpers/env.js';
import { git, repoWithIntent, tempDir, writeFile } from '../helpers/git.js';

export interface AgentResult {
  readonly status: number | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** A checkout of a repository with the given INTENT.md whose plan is the one the scripted agent writes in phases 1 and 4. */
export function plannedCheckout(intentText?: string): string {
  const dir = repoWithIntent();
  if (intentText !== undefined) writeFile(dir, 'INTENT.md', intentText);
  const intent = parseIntent(readFileSync(join(dir, 'INTENT.md'), 'utf8'));
  for (const a of planArtifacts(dir, intent, ['planning/architecture.md'])) writeFile(dir, a.path, a.content);
  for (const a of planArtifacts(dir, intent, ['planning/tasks.json'])) writeFile(dir, a.path, a.content);
  commitAll(dir, 'Plan');
  return dir;
}

/** A checkout whose planning/tasks.json is `plan` (a plan the agent did not write). */
export function checkoutWithPlan(plan: unknown): string {
  const dir = repoWithIntent();
  writeFile(dir, 'planning/tasks.json', JSON.stringify(plan, null, 2) + '\n');
  commitAll(dir, 'Plan');
  return dir;
}

/** A second checkout of the same commit: a task started from the same base as another. */
export function cloneOf(dir: string): string {
  const clone = join(tempDir(), 'clone');
  git(dir, 'worktree', 'add', '--quiet', '--detach', clone, 'HEAD');
  return clone;
}

export function commitAll(dir: string, message: string): void {
  git(dir, 'add', '-A');
  git(dir, 'commit', '--quiet', '--allow-empty', '-m', message);
}

export function tasksOf(dir: string): readonly NormalisedTask[] {
  const loaded = parsePlan(readFileSync(join(dir, 'planning/tasks.json'), 'utf8'), 'planning/tasks.json', { minVersion: 2 });
  if (!loaded.ok) throw new Error(loaded.problems.map(problemText).join('\n'));
  return loaded.plan.tasks;
}

export function taskOf(dir: string, id: string): NormalisedTask {
  const task = tasksOf(dir).find((t) => t.id === id);
  if (task === undefined) throw new Error(`no task ${id}`);
  return task;
}

/** The run directory of an attempt (where the wrapper puts the prompt file), outside the checkout. */
export function runDir(): string {
  const dir = join(tempDir('phaserunner-run-'), 'run');
  mkdirSync(dir);
  return dir;
}

function agentEnv(taskId: string, run: string, extra: Record<string, string>): NodeJS.ProcessEnv {
  return {
    ...testEnv(),
    PHASERUNNER_WORKSTREAM: 'execution',
    PHASERUNNER_TASK: taskId,
    PHASERUNNER_ROLE: 'implementer',
    PHASERUNNER_RUN_ID: '01JTESTRUN0000000000000000',
    PHASERUNNER_ATTEMPT: '1',
    PHASERUNNER_PROMPT_FILE: join(run, 'prompt.md'),
    PHASERUNNER_INTENT: 'INTENT.md',
    ...extra,
  };
}

/** Runs the agent for one task to its end. */
export function runAgent(dir: string, taskId: string, behavior = 'ok', extra: Record<string, string> = {}): AgentResult {
  const result = spawnSync(process.execPath, [SCRIPTED_AGENT_SCRIPT, '--behavior', behavior], { cwd: dir, env: agentEnv(taskId, runDir(), extra), encoding: 'utf8', timeout: 60_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** Starts the agent for one task without waiting for it. */
export function startAgent(dir: string, taskId: string, behavior: string, run: string, extra: Record<string, string> = {}): ChildProcess {
  return spawn(process.execPath, [SCRIPTED_AGENT_SCRIPT, '--behavior', behavior], { cwd: dir, env: agentEnv(taskId, run, extra), stdio: ['ignore', 'pipe', 'pipe'] });
}

/** Paths changed in the checkout since its last commit (untracked files one by one). */
export function changedPaths(dir: string): string[] {
  // Not `status --porcelain`: git() trims its output, and with it the first line's leading space (" M path").
  const changed = git(dir, 'diff', '--name-only', '--no-renames', 'HEAD');
  const untracked = git(dir, 'ls-files', '--others', '--exclude-standard');
  return [changed, untracked].flatMap((out) => (out === '' ? [] : out.split('\n'))).sort();
}

export function outsideWrites(task: NormalisedTask, paths: readonly string[]): string[] {
  const inside = matcherFor(task.writes);
  return paths.filter((p) => !inside(p));
}

export interface CheckRun {
  readonly argv: readonly string[];
  readonly status: number | null;
  /** node --test's own count of passing and failing tests. */
  readonly passed: number;
  readonly failed: number;
  readonly output: string;
}

/** Runs a command in the checkout as a check does (no shell); `node` is this node. */
export function runCommand(dir: string, argv: readonly string[], timeoutSeconds = 120): CheckRun {
  const [program = '', ...args] = argv;
  const result = spawnSync(program === 'node' ? process.execPath : program, args, { cwd: dir, env: testEnv(), encoding: 'utf8', timeout: timeoutSeconds * 1000 });
  const output = `${result.stdout}${result.stderr}`;
  const count = (name: string): number => Number(new RegExp(`^# ${name} (\\d+)$`, 'm').exec(output)?.[1] ?? '0');
  return { argv, status: result.status, passed: count('pass'), failed: count('fail'), output };
}

/** Runs every check of the task, in order. */
export function runChecks(dir: string, task: NormalisedTask): CheckRun[] {
  return task.checks.map((c) => runCommand(dir, c.argv, c.timeout_seconds));
}

/** Resolves with the agent's exit code. */
export function exitOf(child: ChildProcess): Promise<number | null> {
  return new Promise((resolve) => {
    if (child.exitCode !== null) resolve(child.exitCode);
    else child.once('exit', (code) => { resolve(code); });
  });
}

/** Resolves once the agent's stdout has a line containing `text`. */
export function lineOf(child: ChildProcess, text: string): Promise<string> {
  return new Promise((resolve, reject) => {
    let seen = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (chunk: string) => {
      seen += chunk;
      const line = seen.split('\n').find((l) => l.includes(text));
      if (line !== undefined) resolve(line);
    });
    child.once('exit', (code) => { reject(new Error(`agent exited ${String(code)} before printing "${text}"; it printed:\n${seen}`)); });
  });
}
