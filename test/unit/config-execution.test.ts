// The config's `execution` section (issue 17): optional, strict like the rest, with the
// defaults the execution workstream runs by.
import { describe, expect, it } from 'vitest';
import { ConfigSchema } from '../../src/config/schema.js';
import { formatIssuePath } from '../../src/util/validate.js';

const base = { version: 1, base: 'main', agent: 'scripted' };

/** The problems as the CLI lists them: field and message. */
const problems = (execution: unknown): string[] => {
  const result = ConfigSchema.safeParse({ ...base, execution });
  return result.success ? [] : result.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
};

describe('config execution', () => {
  it('defaults to two tasks at once, no integration checks and no approvals', () => {
    expect(ConfigSchema.parse(base).execution).toEqual({ concurrency: 2, integration_checks: [], approvals: [] });
    expect(ConfigSchema.parse({ ...base, execution: {} }).execution).toEqual({ concurrency: 2, integration_checks: [], approvals: [] });
  });

  it('takes integration checks in the shape of a task\'s checks, and approvals as task ids or true', () => {
    const parsed = ConfigSchema.parse({ ...base, execution: { concurrency: 8, integration_checks: [{ argv: ['npm', 'test'] }, { argv: ['npm', 'run', 'lint'], timeout_seconds: 60 }], approvals: ['T-003'] } });
    expect(parsed.execution).toEqual({
      concurrency: 8,
      integration_checks: [
        { argv: ['npm', 'test'], timeout_seconds: 600 },
        { argv: ['npm', 'run', 'lint'], timeout_seconds: 60 },
      ],
      approvals: ['T-003'],
    });
    expect(ConfigSchema.parse({ ...base, execution: { approvals: true } }).execution.approvals).toBe(true);
  });

  it('refuses what it cannot run by, naming each field', () => {
    expect(problems({ concurrency: 0 })).toEqual(['execution.concurrency: Too small: expected number to be >=1']);
    expect(problems({ concurrency: 65 })).toEqual(['execution.concurrency: Too big: expected number to be <=64']);
    expect(problems({ concurrency: 1.5 })).toEqual(['execution.concurrency: Invalid input: expected int, received number']);
    expect(problems({ integration_checks: [{ argv: ['x'], timeout_seconds: 0 }] })).toEqual(['execution.integration_checks[0].timeout_seconds: Too small: expected number to be >=1']);
    expect(problems({ integration_checks: [{ command: 'npm test' }] })).toEqual([
      'execution.integration_checks[0].argv: Invalid input: expected array, received undefined',
      'execution.integration_checks[0]: Unrecognized key: "command"',
    ]);
    expect(problems({ approvals: false })).toHaveLength(1);
    expect(problems({ approvals: ['T-1.lock'] })).toEqual(['execution.approvals[0]: task id "T-1.lock" must not end with ".lock": it names the branch phaserunner/execution/<id>']);
    expect(problems({ budget: 10 })).toEqual(['execution: Unrecognized key: "budget"']);
  });
});
