// The scripted agent's `behaviors` in the config: keyed by phase id as before, or by task id
// (execution workstream), each key checked as the plan checks a task id.
import { describe, expect, it } from 'vitest';
import { ConfigSchema, SCRIPTED_BEHAVIORS } from '../../src/config/schema.js';
import { formatIssuePath } from '../../src/util/validate.js';

const config = (behaviors: unknown) => ({ version: 1, base: 'main', agent: 'scripted', agents: { scripted: { type: 'scripted', behaviors } } });

/** The problems as the CLI lists them: field and message. */
const problems = (behaviors: unknown): string[] => {
  const result = ConfigSchema.safeParse(config(behaviors));
  return result.success ? [] : result.error.issues.map((i) => `${formatIssuePath(i.path)}: ${i.message}`);
};

describe('config: the scripted agent\'s behaviors', () => {
  it('takes phase ids and task ids side by side, one behavior or one per attempt', () => {
    const behaviors = { '2': ['fail', 'ok'], 'T-003': 'break-tests', 'T-004': ['conflict', 'ok'], 'T-005': 'integration-break', 'T-006': 'wait-release', task_7: 'outside' };
    expect(ConfigSchema.parse(config(behaviors)).agents['scripted']).toEqual({ type: 'scripted', behaviors });
  });

  it('knows the execution behaviors', () => {
    expect(SCRIPTED_BEHAVIORS).toEqual(expect.arrayContaining(['ok', 'fail', 'outside', 'nothing', 'hang', 'crash', 'break-tests', 'conflict', 'integration-break', 'wait-release']));
  });

  it('refuses a key that is neither, saying which rule it breaks', () => {
    expect(problems({ '02': 'ok' })).toEqual(['agents.scripted.behaviors.02: "02" is neither a phase id ("2") nor a task id ("T-003"): a phase id is a number from 1, without leading zeros']);
    expect(problems({ 'T..1': 'ok' })).toEqual([
      'agents.scripted.behaviors.T..1: "T..1" is neither a phase id ("2") nor a task id ("T-003"): as a task id it must not contain "..": it names the branch phaserunner/execution/<id>',
    ]);
    expect(problems({ 'T-1.lock': 'ok' })).toEqual([
      'agents.scripted.behaviors.T-1.lock: "T-1.lock" is neither a phase id ("2") nor a task id ("T-003"): as a task id it must not end with ".lock": it names the branch phaserunner/execution/<id>',
    ]);
    expect(problems({ 'T 1': 'ok' })[0]).toContain('as a task id it must start with a letter or digit and contain only letters, digits');
    expect(problems({ 'T-1': 'explode' })).toHaveLength(1);
  });
});
