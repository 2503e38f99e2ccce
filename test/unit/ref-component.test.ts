// A task id names the branch phaserunner/execution/<id>: refComponentProblem must say yes
// exactly when git does. Each row is also put to real git (`git check-ref-format`), so the
// table cannot drift from git's rules; only the length cap is phaserunner's own.
import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { MAX_REF_COMPONENT, refComponentProblem } from '../../src/git/ref-component.js';
import { taskIdProblem } from '../../src/planning/fields.js';
import { testEnv } from '../helpers/env.js';

/** What git says of the branch the id would name. */
function gitAccepts(component: string): boolean {
  try {
    execFileSync('git', ['check-ref-format', `refs/heads/phaserunner/execution/${component}`], { env: testEnv(), stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

const TABLE: readonly [name: string, problem: string | undefined][] = [
  ['T-001', undefined],
  ['task_1.2', undefined],
  ['a', undefined],
  ['@x', undefined],
  ['x@y', undefined],
  ['{}', undefined],
  ['ünïcode', undefined],
  ['x.lockx', undefined],
  ['', 'must not be empty'],
  ['.hidden', 'must not start with "."'],
  ['a..b', 'must not contain ".."'],
  ['..', 'must not start with "."'],
  ['name.lock', 'must not end with ".lock"'],
  ['.lock', 'must not start with "."'],
  ['trailing.', 'must not end with "."'],
  ['a@{1}', 'must not contain "@{"'],
  ['@', 'must not be "@"'],
  ['with space', 'must not contain a space (git refuses it in a branch name)'],
  ['tilde~1', 'must not contain "~" (git refuses it in a branch name)'],
  ['caret^', 'must not contain "^" (git refuses it in a branch name)'],
  ['co:lon', 'must not contain ":" (git refuses it in a branch name)'],
  ['what?', 'must not contain "?" (git refuses it in a branch name)'],
  ['star*', 'must not contain "*" (git refuses it in a branch name)'],
  ['open[', 'must not contain "[" (git refuses it in a branch name)'],
  ['back\\slash', 'must not contain "\\\\" (git refuses it in a branch name)'],
  ['a/b', 'must not contain "/" (git refuses it in a branch name)'],
  ['tab\there', 'must not contain control characters (it has U+0009)'],
  ['nul\u0000', 'must not contain control characters (it has U+0000)'],
  ['del\u007f', 'must not contain control characters (it has U+007F)'],
];

describe('refComponentProblem', () => {
  it.each(TABLE)('%j: %s', (name, problem) => {
    expect(refComponentProblem(name)).toBe(problem);
  });

  // Where git accepts the branch but the name is still not one component of it: "a/b" makes
  // two (and a task "a" could then not have a branch beside it); git refuses "@" only as a
  // whole ref name, where it means HEAD, and it is refused here as a component too.
  const STRICTER = new Set(['a/b', '@']);

  it('agrees with git check-ref-format on every other row (git cannot be given a NUL)', () => {
    for (const [name, problem] of TABLE) {
      if (name.includes('\u0000')) continue;
      expect([name, gitAccepts(name)]).toEqual([name, problem === undefined || STRICTER.has(name)]);
    }
  });

  it('caps the length, which git does not', () => {
    const long = 'T'.repeat(MAX_REF_COMPONENT + 1);
    expect(refComponentProblem('T'.repeat(MAX_REF_COMPONENT))).toBeUndefined();
    expect(refComponentProblem(long)).toBe(`must be at most ${MAX_REF_COMPONENT} characters (it has ${MAX_REF_COMPONENT + 1})`);
    expect(gitAccepts(long)).toBe(true);
  });
});

describe('taskIdProblem', () => {
  it('takes the characters version 1 allowed, then the ref rules, and refuses digits only in version 2', () => {
    expect(taskIdProblem('T-001')).toBeUndefined();
    expect(taskIdProblem('@x')).toMatch(/^must start with a letter or digit/);
    expect(taskIdProblem('T..1')).toBe('must not contain "..": it names the branch phaserunner/execution/<id>');
    expect(taskIdProblem('T-1.lock')).toBe('must not end with ".lock": it names the branch phaserunner/execution/<id>');
    expect(taskIdProblem('T-1.')).toBe('must not end with ".": it names the branch phaserunner/execution/<id>');
    expect(taskIdProblem('12')).toMatch(/^must not be digits only/);
    expect(taskIdProblem('12', 1)).toBeUndefined();
  });
});
