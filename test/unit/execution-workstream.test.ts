// The execution workstream of a plan: one step per task, in plan order, with what the engine
// needs for an attempt (its writes as outputs, its checks as command checks, its limits and
// whether a human approves it), the config's defaults filling what a task leaves out.
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { parsePlan, type Plan } from '../../src/planning/plan.js';
import { DEFAULT_TASK_ROLE, executionWorkstream, taskBranch } from '../../src/workstream/execution.js';

const PLAN = {
  version: 2,
  tasks: [
    { id: 'T-001', title: 'Store', depends_on: [], writes: ['src/store.js', 'test/store.test.js'], checks: [{ argv: ['node', '--test', 'test/store.test.js'] }] },
    {
      id: 'T-002',
      title: 'Parse',
      depends_on: ['T-001'],
      writes: ['src/parse.js'],
      checks: [{ argv: ['node', '--test'], timeout_seconds: 30 }],
      role: 'tester',
      agent: 'aider',
      timeout_minutes: 5,
      max_attempts: 1,
      approval: true,
    },
  ],
};

function plan(): Plan {
  const result = parsePlan(JSON.stringify(PLAN), 'planning/tasks.json');
  if (!result.ok) throw new Error(JSON.stringify(result.problems));
  return result.plan;
}

const config = (extra: Record<string, unknown> = {}) => ConfigSchema.parse({ version: 1, base: 'main', agent: 'scripted', ...extra });

describe('the execution workstream', () => {
  it('has one step per task, in plan order, named by the task id', () => {
    const ws = executionWorkstream(plan(), 'a'.repeat(40), config());
    expect(ws.name).toBe('execution');
    expect(ws.stepIds).toEqual(['T-001', 'T-002']);
    expect(ws.stepFor('T-003')).toBeUndefined();
    expect(ws.planBlob).toBe('a'.repeat(40));
    expect(taskBranch('T-001')).toBe('phaserunner/execution/T-001');
  });

  it('fills what a task leaves out from the config', () => {
    const step = executionWorkstream(plan(), 'b', config({ max_attempts: 4 })).stepFor('T-001');
    expect(step).toMatchObject({
      role: DEFAULT_TASK_ROLE,
      agent: undefined,
      outputs: ['src/store.js', 'test/store.test.js'],
      checks: [{ kind: 'command', argv: ['node', '--test', 'test/store.test.js'], timeout_seconds: 600 }],
      dependsOn: [],
      timeoutMinutes: undefined,
      maxAttempts: 4,
      approval: false,
    });
  });

  it('keeps what a task says', () => {
    const step = executionWorkstream(plan(), 'b', config()).stepFor('T-002');
    expect(step).toMatchObject({ role: 'tester', agent: 'aider', timeoutMinutes: 5, maxAttempts: 1, approval: true, dependsOn: ['T-001'], checks: [{ kind: 'command', argv: ['node', '--test'], timeout_seconds: 30 }] });
  });

  it('asks for approval where execution.approvals names the task, or says true', () => {
    expect(executionWorkstream(plan(), 'b', config({ execution: { approvals: ['T-001'] } })).stepFor('T-001')?.approval).toBe(true);
    expect(executionWorkstream(plan(), 'b', config({ execution: { approvals: true } })).stepFor('T-001')?.approval).toBe(true);
  });

  it('runs the config\'s concurrency unless the run says otherwise, with its integration checks', () => {
    const c = config({ execution: { concurrency: 3, integration_checks: [{ argv: ['npm', 'test'], timeout_seconds: 900 }] } });
    expect(executionWorkstream(plan(), 'b', c).concurrency).toBe(3);
    expect(executionWorkstream(plan(), 'b', c, 5).concurrency).toBe(5);
    expect(executionWorkstream(plan(), 'b', c).integrationChecks).toEqual([{ kind: 'command', argv: ['npm', 'test'], timeout_seconds: 900 }]);
  });
});
