// The one loader of a plan (src/planning/plan.ts): the gate, the runner and the audit read
// planning/tasks.json through it, so what it accepts, how it fills in version 1, and how it
// names each problem (file and field) is what all three agree on.
import { describe, expect, it } from 'vitest';
import { parsePlan, problemText, type PlanResult } from '../../src/planning/plan.js';
import { task } from '../helpers/plan.js';

const FILE = 'planning/tasks.json';


const load = (data: unknown, minVersion?: number): PlanResult => parsePlan(JSON.stringify(data), FILE, minVersion === undefined ? {} : { minVersion });

/** The problems as the gate shows them. */
const problems = (data: unknown, minVersion?: number): string[] => {
  const result = load(data, minVersion);
  return result.ok ? [] : result.problems.map(problemText);
};

describe('parsePlan', () => {
  it('loads version 1 with the defaults of version 2: a claim on everything and no checks', () => {
    const result = load({ version: 1, tasks: [{ id: 'T-001', title: 'One', depends_on: [], acceptance: ['done'], notes: 'kept out' }, { id: 'T-002', title: 'Two', depends_on: ['T-001'] }] });
    expect(result).toEqual({
      ok: true,
      plan: {
        version: 1,
        tasks: [
          { id: 'T-001', title: 'One', depends_on: [], acceptance: ['done'], writes: ['**'], checks: [], order: 0, description: undefined, milestone: undefined, epic: undefined },
          { id: 'T-002', title: 'Two', depends_on: ['T-001'], acceptance: [], writes: ['**'], checks: [], order: 1, description: undefined, milestone: undefined, epic: undefined },
        ],
      },
    });
  });

  it("loads version 2 with every field, defaulting a check's timeout", () => {
    const full = task('T-001', {
      description: 'd',
      milestone: 'M1',
      epic: 'E1',
      writes: ['src/parse.js', 'test/**/*.test.js'],
      checks: [{ argv: ['node', '--test'], timeout_seconds: 30 }, { argv: ['npm', 'run', 'lint'] }],
      acceptance: ['a'],
      role: 'implementer',
      agent: 'claude',
      timeout_minutes: 20,
      max_attempts: 2,
      approval: true,
    });
    const result = load({ $schema: '../schema/tasks.schema.json', version: 2, tasks: [full, task('T-002', { depends_on: ['T-001'] })] });
    if (!result.ok) throw new Error(result.problems.map(problemText).join('\n'));
    expect(result.plan.version).toBe(2);
    expect(result.plan.tasks[0]).toEqual({
      id: 'T-001',
      title: 'Task T-001',
      description: 'd',
      milestone: 'M1',
      epic: 'E1',
      depends_on: [],
      writes: ['src/parse.js', 'test/**/*.test.js'],
      checks: [
        { argv: ['node', '--test'], timeout_seconds: 30 },
        { argv: ['npm', 'run', 'lint'], timeout_seconds: 600 },
      ],
      acceptance: ['a'],
      role: 'implementer',
      agent: 'claude',
      timeout_minutes: 20,
      max_attempts: 2,
      approval: true,
      order: 0,
    });
    expect(result.plan.tasks[1]).toMatchObject({ id: 'T-002', depends_on: ['T-001'], order: 1, acceptance: [] });
  });

  it.each<[string, Record<string, unknown>, string]>([
    ['writes missing', { writes: undefined }, 'tasks[0].writes: required (expected array)'],
    ['writes empty', { writes: [] }, 'tasks[0].writes: Too small: expected array to have >=1 items'],
    ['a write outside the repository', { writes: ['src/a.js', '../b.js'] }, 'tasks[0].writes[1]: path "../b.js" must not contain "." or ".." segments'],
    ['an absolute write', { writes: ['/etc/passwd'] }, 'tasks[0].writes[0]: path "/etc/passwd" must be relative to the repository root, not absolute'],
    ['a write into .git', { writes: ['.git/hooks/pre-commit'] }, 'tasks[0].writes[0]: path ".git/hooks/pre-commit" must not point into .git'],
    ['checks missing', { checks: undefined }, 'tasks[0].checks: required (expected array)'],
    ['no check', { checks: [] }, 'tasks[0].checks: Too small: expected array to have >=1 items'],
    ['an empty argv', { checks: [{ argv: [] }] }, 'tasks[0].checks[0].argv: Too small: expected array to have >=1 items'],
    ['an empty argument', { checks: [{ argv: ['node', ''] }] }, 'tasks[0].checks[0].argv[1]: Too small: expected string to have >=1 characters'],
    ['a timeout of 0', { checks: [{ argv: ['x'], timeout_seconds: 0 }] }, 'tasks[0].checks[0].timeout_seconds: Too small: expected number to be >=1'],
    ['a timeout over a day', { checks: [{ argv: ['x'], timeout_seconds: 86_401 }] }, 'tasks[0].checks[0].timeout_seconds: Too big: expected number to be <=86400'],
    ['a fractional timeout', { checks: [{ argv: ['x'], timeout_seconds: 1.5 }] }, 'tasks[0].checks[0].timeout_seconds: Invalid input: expected int, received number'],
    ['a typo in a check', { checks: [{ argv: ['x'], timeout: 5 }] }, 'tasks[0].checks[0]: Unrecognized key: "timeout"'],
    ['a typo in a task', { max_attempt: 2 }, 'tasks[0]: Unrecognized key: "max_attempt"'],
    ['an agent name that cannot be one', { agent: 'Claude Code' }, 'tasks[0].agent: Invalid string: must match pattern /^[a-z][a-z0-9-]*$/'],
    ['a role name that cannot be one', { role: 'Lead Dev' }, 'tasks[0].role: Invalid string: must match pattern /^[a-z][a-z0-9-]*$/'],
    ['zero attempts', { max_attempts: 0 }, 'tasks[0].max_attempts: Too small: expected number to be >=1'],
    ['approval not a boolean', { approval: 'yes' }, 'tasks[0].approval: Invalid input: expected boolean, received string'],
    ['a timeout_minutes of 0', { timeout_minutes: 0 }, 'tasks[0].timeout_minutes: Too small: expected number to be >=0.01'],
    ['no title', { title: '' }, 'tasks[0].title: Too small: expected string to have >=1 characters'],
    ['depends_on missing', { depends_on: undefined }, 'tasks[0].depends_on: required (expected array)'],
  ])('names the file and the field: %s', (_, change, expected) => {
    // JSON leaves out a key whose value is undefined: that is how a field goes missing here.
    expect(problems({ version: 2, tasks: [task('T-001', change)] })).toEqual([`${FILE}: ${expected}`]);
  });

  it('refuses what is not a plan at all, naming the file', () => {
    const broken = parsePlan('{"version": 2,', FILE);
    expect(broken).toMatchObject({ ok: false, problems: [{ file: FILE, path: '(root)' }] });
    expect(broken.ok ? [] : broken.problems.map(problemText)).toEqual([expect.stringMatching(/^planning\/tasks\.json: not valid JSON: /)]);
    expect(problems([])).toEqual([`${FILE}: not a plan: it must be an object, {"version": 2, "tasks": [...]}`]);
    expect(problems({ tasks: [] })).toEqual([`${FILE}: version: must be 1 or 2 (it is missing); write 2`]);
    expect(problems({ version: '2', tasks: [] })).toEqual([`${FILE}: version: must be 1 or 2 (it is "2"); write 2`]);
    expect(problems({ version: 2, tasks: [] })).toEqual([`${FILE}: tasks: Too small: expected array to have >=1 items`]);
    expect(problems({ version: 2, tasks: [task('T-1')], notes: 'x' })).toEqual([`${FILE}: Unrecognized key: "notes"`]);
  });

  it('with a minimum version, refuses an older plan before anything else', () => {
    expect(problems({ version: 1, tasks: [{ id: 'T-1', title: 't', depends_on: ['T-1'] }] }, 2)).toEqual([
      `${FILE}: version: must be 2 (it is 1): an executable plan, every task with "writes" (the files it may change) and "checks" (commands)`,
    ]);
    expect(load({ version: 2, tasks: [task('T-1')] }, 2).ok).toBe(true);
  });

  it('refuses an id that cannot name a branch, in either version, and one of digits only in version 2', () => {
    expect(problems({ version: 2, tasks: [task('T..1')] })).toEqual([`${FILE}: tasks[0].id: task id "T..1" must not contain "..": it names the branch phaserunner/execution/<id>`]);
    expect(problems({ version: 2, tasks: [task('T-1.lock')] })).toEqual([`${FILE}: tasks[0].id: task id "T-1.lock" must not end with ".lock": it names the branch phaserunner/execution/<id>`]);
    expect(problems({ version: 2, tasks: [task('feature/x')] })).toEqual([`${FILE}: tasks[0].id: task id "feature/x" must start with a letter or digit and contain only letters, digits, ".", "_" and "-"`]);
    expect(problems({ version: 2, tasks: [task('T'.repeat(65))] })).toEqual([`${FILE}: tasks[0].id: task id "${'T'.repeat(65)}" must be at most 64 characters (it has 65): it names the branch phaserunner/execution/<id>`]);
    expect(problems({ version: 2, tasks: [task('7')] })).toEqual([`${FILE}: tasks[0].id: task id "7" must not be digits only (a number names a planning phase): e.g. "T-001"`]);
    expect(problems({ version: 1, tasks: [{ id: 'T.', title: 't', depends_on: [] }] })).toEqual([`${FILE}: tasks[0].id: task id "T." must not end with ".": it names the branch phaserunner/execution/<id>`]);
    // A version 1 plan of numbered tasks loaded before, and still does.
    expect(load({ version: 1, tasks: [{ id: '7', title: 't', depends_on: [] }] }).ok).toBe(true);
  });

  it('judges the graph, naming the field: duplicates, dangling and self dependencies, ids that differ only in case', () => {
    expect(
      problems({
        version: 2,
        tasks: [task('T-1'), task('T-2', { depends_on: ['T-1', 'T-9'] }), task('T-1'), task('T-3', { depends_on: ['T-3'] }), task('t-2')],
      }),
    ).toEqual([
      `${FILE}: tasks[2].id: task id T-1 is used more than once (also by tasks[0])`,
      `${FILE}: tasks[1].depends_on[1]: T-2 depends on T-9, which is not a task`,
      `${FILE}: tasks[3].depends_on[0]: T-3 depends on itself`,
      `${FILE}: tasks[4].id: task ids T-2 (tasks[1]) and t-2 differ only in case: their branches would be one on a case-insensitive file system`,
    ]);
  });

  it('finds a cycle, naming the task where it starts, also through a long chain', () => {
    expect(problems({ version: 2, tasks: [task('A', { depends_on: ['C'] }), task('B', { depends_on: ['A'] }), task('C', { depends_on: ['B'] }), task('D')] })).toEqual([
      `${FILE}: tasks[0].depends_on: dependency cycle: A -> C -> B -> A`,
    ]);
    // Deeper than a recursive search's stack would go.
    const chain = Array.from({ length: 20_000 }, (_, i) => task(`T-${i}`, { depends_on: i === 0 ? [] : [`T-${i - 1}`] }));
    expect(load({ version: 2, tasks: chain }).ok).toBe(true);
    chain[0] = task('T-0', { depends_on: ['T-19999'] });
    expect(problems({ version: 2, tasks: chain })).toHaveLength(1);
    expect(problems({ version: 2, tasks: chain })[0]).toMatch(/^planning\/tasks\.json: tasks\[0\]\.depends_on: dependency cycle: T-0 -> T-19999 -> T-19998 -> /);
  });

  it('reports field and graph problems together: one round of fixes, not two', () => {
    expect(problems({ version: 2, tasks: [task('T-1', { depends_on: ['T-2'] }), task('T-2', { depends_on: ['T-1'], writes: undefined })] })).toEqual([
      `${FILE}: tasks[1].writes: required (expected array)`,
      `${FILE}: tasks[0].depends_on: dependency cycle: T-1 -> T-2 -> T-1`,
    ]);
  });
});
