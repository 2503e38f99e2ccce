// Which step an agent is given (issue 17): every adapter's agent gets PHASERUNNER_WORKSTREAM, and
// PHASERUNNER_TASK for a task of the execution workstream; a command agent's argv takes {task}
// and {workstream}; the scripted agent's behavior is chosen by task id, and a test's release
// directory reaches it. Environments are worked out as the dispatch does (agentCommand).
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { behaviorFor } from '../../src/agents/scripted.js';
import { resolveAgent } from '../../src/agents/registry.js';
import { expandArgv } from '../../src/agents/template.js';
import type { AgentContext, AgentInvocation } from '../../src/agents/types.js';
import { AgentConfig, CommandAgentConfig, ScriptedAgentConfig } from '../../src/config/schema.js';
import { agentCommand } from '../../src/dispatch/agent-command.js';
import { testEnv } from '../helpers/env.js';
import { tempDir, writeFile } from '../helpers/git.js';
import { exitOf, lineOf, plannedCheckout, runDir } from './scripted-task-harness.js';

const PLANNING: AgentContext = {
  promptFile: '/runs/r1/prompt.md',
  worktree: '/wt',
  runDir: '/runs/r1',
  phase: 1,
  phaseName: 'architecture-baseline',
  role: 'architect',
  runId: 'r1',
  attempt: 1,
  outputs: ['planning/architecture.md'],
  intent: 'INTENT.md',
};

/** A task's attempt as the execution runner describes it: phase 0, the task's id as the phase name. */
const TASK: AgentContext = {
  ...PLANNING,
  workstream: 'execution',
  task: 'T-003',
  phase: 0,
  phaseName: 'T-003',
  role: 'implementer',
  outputs: [],
};

/** Every adapter type, with /bin/sh standing in for each CLI's program (only argv and env are looked at). */
const ADAPTERS: readonly [string, Record<string, unknown>][] = [
  ['command', { type: 'command', argv: ['/bin/sh'] }],
  ['scripted', { type: 'scripted' }],
  ['claude', { type: 'claude', command: '/bin/sh' }],
  ['codex', { type: 'codex', command: '/bin/sh' }],
  ['gemini', { type: 'gemini', command: '/bin/sh' }],
  ['aider', { type: 'aider', command: '/bin/sh' }],
];

function invocationOf(settings: Record<string, unknown>, context: AgentContext): AgentInvocation {
  return resolveAgent({ agents: { a: AgentConfig.parse(settings) } }, 'a', '/', 'test').invocation(context);
}

/**
 * The agent's whole environment and argv as dispatch.json would hold them, from a runner with
 * `runnerEnv`; the ref guard's files go to `run`.
 */
function dispatched(invocation: AgentInvocation, context: AgentContext, runnerEnv: Record<string, string | undefined>, run = tempDir('phaserunner-dispatch-')): { argv: string[]; env: Record<string, string> } {
  return agentCommand({
    agent: 'a',
    invocation,
    runDir: run,
    worktree: context.worktree,
    repoRoot: run,
    guard: { commonDir: run, gitDir: run, branch: context.task === undefined ? 'phaserunner/planning/1-architecture-baseline' : `phaserunner/execution/${context.task}` },
    runnerEnv,
  });
}

/** A runner that itself runs under a task's variables (a nested phaserunner): none of them may leak through. */
const RUNNER = { PATH: '/usr/bin:/bin', HOME: '/home/ada', PHASERUNNER_TASK: 'T-999', PHASERUNNER_WORKSTREAM: 'stale', PHASERUNNER_TEST_RELEASE_DIR: '/releases' };

describe('the step an agent is given, in its environment', () => {
  it.each(ADAPTERS)("%s: a task's attempt has PHASERUNNER_WORKSTREAM=execution and PHASERUNNER_TASK, beside the phase variables", (_type, settings) => {
    const { env } = dispatched(invocationOf(settings, TASK), TASK, RUNNER);
    expect(env).toMatchObject({ PHASERUNNER_WORKSTREAM: 'execution', PHASERUNNER_TASK: 'T-003', PHASERUNNER_PHASE: '0', PHASERUNNER_PHASE_NAME: 'T-003', PHASERUNNER_ROLE: 'implementer', PHASERUNNER_OUTPUTS: '[]' });
  });

  it.each(ADAPTERS)("%s: a planning phase's attempt has PHASERUNNER_WORKSTREAM=planning and no PHASERUNNER_TASK, even from a runner that has one", (_type, settings) => {
    const { env } = dispatched(invocationOf(settings, PLANNING), PLANNING, RUNNER);
    expect(env).toMatchObject({ PHASERUNNER_WORKSTREAM: 'planning', PHASERUNNER_PHASE: '1', PHASERUNNER_PHASE_NAME: 'architecture-baseline' });
    expect(env).not.toHaveProperty('PHASERUNNER_TASK');
  });

  it.each(ADAPTERS)('%s: PHASERUNNER_TEST_RELEASE_DIR reaches the scripted agent only', (type, settings) => {
    const { env } = dispatched(invocationOf(settings, TASK), TASK, RUNNER);
    if (type === 'scripted') expect(env).toHaveProperty('PHASERUNNER_TEST_RELEASE_DIR', '/releases');
    else expect(env).not.toHaveProperty('PHASERUNNER_TEST_RELEASE_DIR');
  });

  it("the config's env still has the last word for a command agent", () => {
    const { env } = dispatched(invocationOf({ type: 'command', argv: ['/bin/sh'], env: { PHASERUNNER_WORKSTREAM: 'mine' } }, TASK), TASK, RUNNER);
    expect(env['PHASERUNNER_WORKSTREAM']).toBe('mine');
  });
});

describe("a command agent's argv placeholders", () => {
  const argv = ['/bin/sh', 'agent.sh', '--task={task}', '{workstream}/{task}/{phase}/{phase_name}'];

  it('accepts {task} and {workstream} in the config, and expands them: the task id for a task, empty for a planning phase', () => {
    const config = CommandAgentConfig.parse({ type: 'command', argv });
    expect(invocationOf(config, TASK).argv.slice(1)).toEqual(['agent.sh', '--task=T-003', 'execution/T-003/0/T-003']);
    expect(invocationOf(config, PLANNING).argv.slice(1)).toEqual(['agent.sh', '--task=', 'planning//1/architecture-baseline']);
  });

  it('still refuses an unknown placeholder, naming it and the known ones', () => {
    const messages = (bad: string): string[] => CommandAgentConfig.safeParse({ type: 'command', argv: ['/bin/sh', bad] }).error?.issues.map((i) => i.message) ?? [];
    expect(messages('--id={task_id}')).toEqual(['unknown placeholder {task_id}; known: {prompt_file} {worktree} {phase} {phase_name} {role} {run_id} {task} {workstream}']);
    // Names an object has without being told are not placeholders either.
    expect(messages('{constructor}')).toHaveLength(1);
    expect(messages('{__proto__}')).toHaveLength(1);
    expect(expandArgv(['{constructor}', '{__proto__}', '{tasks}'], TASK)).toEqual(['{constructor}', '{__proto__}', '{tasks}']);
  });
});

describe("the scripted agent's behavior for a task, by its id", () => {
  const config = ScriptedAgentConfig.parse({ type: 'scripted', behaviors: { '1': 'fail', 'T-003': ['conflict', 'ok'], 'T-004': 'break-tests' } });

  it("takes the task's entry, one per attempt, and never a phase's", () => {
    expect(behaviorFor(config, { ...TASK, attempt: 1 })).toBe('conflict');
    expect(behaviorFor(config, { ...TASK, attempt: 2 })).toBe('ok');
    expect(behaviorFor(config, { ...TASK, attempt: 5 })).toBe('ok');
    expect(behaviorFor(config, { ...TASK, task: 'T-004' })).toBe('break-tests');
    // A task without an entry does as it should, though a phase has one.
    expect(behaviorFor(config, { ...TASK, task: 'T-001', phase: 1 })).toBe('ok');
    expect(behaviorFor(config, PLANNING)).toBe('fail');
  });

  it('tells the agent the step and the behavior on its command line', () => {
    const argv = invocationOf(config, TASK).argv;
    expect(argv.slice(2)).toEqual(['--workstream', 'execution', '--task', 'T-003', '--behavior', 'conflict', '--delay-ms', '0']);
    expect(invocationOf(config, PLANNING).argv.slice(2)).toEqual(['--workstream', 'planning', '--phase', '1', '--behavior', 'fail', '--delay-ms', '0']);
  });
});

describe('the scripted adapter, run as the wrapper runs it (the built agent)', () => {
  /** Dispatches task `id` of a planned checkout with `behaviors`, as a real process. */
  function taskAttempt(id: string, behaviors: Record<string, unknown>, runnerEnv: Record<string, string | undefined>) {
    const checkout = plannedCheckout();
    const run = runDir();
    writeFile(run, 'prompt.md', `Implement ${id}.\n`);
    const context: AgentContext = { ...TASK, task: id, phaseName: id, worktree: checkout, runDir: run, promptFile: join(run, 'prompt.md') };
    const command = dispatched(invocationOf({ type: 'scripted', behaviors }, context), context, runnerEnv, run);
    return { checkout, command };
  }

  it("does the behavior configured for the task's id", () => {
    const { checkout, command } = taskAttempt('T-002', { '2': 'ok', 'T-002': 'fail' }, testEnv());
    const result = spawnSync(command.argv[0] ?? '', command.argv.slice(1), { cwd: checkout, env: command.env, encoding: 'utf8', timeout: 60_000 });
    expect(result.status, result.stderr).toBe(1);
    expect(result.stderr).toContain('task T-002 failed on purpose');
  });

  it("waits in wait-release for the task's file in the runner's $PHASERUNNER_TEST_RELEASE_DIR", async () => {
    const releases = tempDir('phaserunner-release-');
    const { checkout, command } = taskAttempt('T-001', { 'T-001': 'wait-release' }, { ...testEnv(), PHASERUNNER_TEST_RELEASE_DIR: releases });
    const agent = spawn(command.argv[0] ?? '', command.argv.slice(1), { cwd: checkout, env: command.env, stdio: ['ignore', 'pipe', 'pipe'] });
    const exited = exitOf(agent);
    expect(await lineOf(agent, 'waiting for release')).toContain(join(releases, 'T-001'));
    expect(agent.exitCode).toBeNull();
    writeFile(releases, 'T-001', '');
    expect(await exited).toBe(0);
  });
});
