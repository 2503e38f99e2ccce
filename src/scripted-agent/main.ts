#!/usr/bin/env node
// The built-in scripted agent: a separate process started by the dispatch wrapper, exactly
// like a real agent CLI. In phase mode (planning) it reads INTENT.md and writes the phase's
// outputs; in task mode (PHASERUNNER_WORKSTREAM=execution) it implements one task of
// planning/tasks.json. Either way it can misbehave on purpose (--behavior) so tests can drive
// every failure path.
//   node main.js [--phase N] [--task ID] [--workstream planning|execution]
//                --behavior ok|slow|fail|hang|hang-hard|nothing|outside|skip-required|todo|
//                  bad-json|plan-v1|commit|move-refs|crash|forge|fake-exit|tamper|wait-release|
//                  break-tests|conflict|integration-break [--delay-ms MS]
// The options win over the environment (PHASERUNNER_PHASE, PHASERUNNER_TASK, PHASERUNNER_WORKSTREAM).
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { agentContext, hangForever } from './context.js';
import { parseIntent } from './intent.js';
import { runPhase } from './phase.js';
import { EXIT_USAGE, TASK_ONLY_BEHAVIORS, runTask } from './task.js';

const { values } = parseArgs({
  options: {
    phase: { type: 'string' },
    task: { type: 'string' },
    workstream: { type: 'string' },
    behavior: { type: 'string', default: 'ok' },
    'delay-ms': { type: 'string', default: '0' },
  },
});
const env = process.env;
const phase = Number(values.phase ?? env['PHASERUNNER_PHASE'] ?? '0');
const behavior = values.behavior;
const delayMs = Number(values['delay-ms']);
const role = env['PHASERUNNER_ROLE'] ?? 'agent';
const outputs = JSON.parse(env['PHASERUNNER_OUTPUTS'] ?? '[]') as string[];
const intentPath = env['PHASERUNNER_INTENT'] ?? 'INTENT.md';
const workstream = values.workstream ?? env['PHASERUNNER_WORKSTREAM'] ?? 'planning';
const taskId = values.task ?? env['PHASERUNNER_TASK'];
const context = agentContext(process.cwd(), role, env['PHASERUNNER_PROMPT_FILE']);

async function main(): Promise<number> {
  const execution = workstream === 'execution';
  if (execution && (taskId === undefined || taskId === '')) {
    console.error('scripted agent: the execution workstream needs a task: PHASERUNNER_TASK (or --task) is not set');
    return EXIT_USAGE;
  }
  if (!execution && TASK_ONLY_BEHAVIORS.has(behavior)) {
    console.error(`scripted agent: behavior "${behavior}" is for tasks of the execution workstream, not for phase ${phase}`);
    return EXIT_USAGE;
  }
  context.say(execution ? `task ${taskId ?? ''}: reading ${intentPath} and planning/tasks.json` : `phase ${phase}: reading ${intentPath}`);
  const intentFile = join(context.cwd, intentPath);
  const intent = parseIntent(existsSync(intentFile) ? readFileSync(intentFile, 'utf8') : '');

  switch (behavior) {
    case 'hang':
    case 'hang-hard':
      return hangForever(context, behavior === 'hang-hard');
    case 'crash':
      context.say('crashing');
      process.kill(process.pid, 'SIGKILL');
      return 0;
    case 'nothing':
      context.say('nothing to write; exiting 0');
      return 0;
  }
  if (execution) return runTask(context, { taskId: taskId ?? '', behavior, delayMs, intent });
  return runPhase(context, { phase, behavior, delayMs, outputs, intent });
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(`scripted agent: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(70);
  },
);
