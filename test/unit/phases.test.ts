import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { PhaserunnerError, type Failure } from '../../src/failures.js';
import { loadPhaseSet } from '../../src/phases/load.js';
import { BUILTIN_PHASES_DIR } from '../../src/paths.js';
import { tempDir } from '../helpers/git.js';

function failureOf(load: () => unknown): Failure {
  try {
    load();
  } catch (error) {
    if (error instanceof PhaserunnerError) return error.failure;
    throw error;
  }
  throw new Error('expected a failure');
}

function overrides(files: Record<string, unknown>): string {
  const dir = tempDir();
  mkdirSync(dir, { recursive: true });
  for (const [name, content] of Object.entries(files)) {
    writeFileSync(join(dir, name), typeof content === 'string' ? content : JSON.stringify(content));
  }
  return dir;
}

const phase5 = {
  id: 5,
  name: 'risk-review',
  title: 'Risk review',
  role: 'reviewer',
  outputs: ['planning/risks.md'],
  prompt: ['Review the risks of {{intent}}.', 'Write {{outputs}}.'],
  gate: { checks: [{ kind: 'file', path: 'planning/tasks.json' }] },
};

describe('phase definitions', () => {
  it('ships phases 1-4 and the planning-complete gate', () => {
    const set = loadPhaseSet(BUILTIN_PHASES_DIR);
    expect(set.phases.map((p) => [p.def.id, p.def.name, p.def.role])).toEqual([
      [1, 'architecture-baseline', 'architect'],
      [2, 'gap-analysis', 'analyst'],
      [3, 'project-planning', 'planner'],
      [4, 'task-planning', 'planner'],
    ]);
    expect(set.phases[3]?.def.outputs).toEqual(['planning/tasks.json', 'planning/tasks/*.md']);
    expect([...set.gates.keys()]).toEqual(['planning-complete']);
    // Prompt lines are joined into one template.
    expect(set.phases[0]?.def.prompt).toContain('\n');
  });

  it('lets a repository replace a phase by id and add new ones', () => {
    const dir = overrides({
      '2-gaps.json': { ...phase5, id: 2, name: 'gaps', outputs: ['planning/gaps.md'] },
      '5-risk-review.json': phase5,
    });
    const set = loadPhaseSet(BUILTIN_PHASES_DIR, dir);
    expect(set.phases.map((p) => `${p.def.id}-${p.def.name}`)).toEqual([
      '1-architecture-baseline',
      '2-gaps',
      '3-project-planning',
      '4-task-planning',
      '5-risk-review',
    ]);
    expect(set.phases[1]?.file).toBe(join(dir, '2-gaps.json'));
  });

  it('names the file and the field of a malformed definition', () => {
    const dir = overrides({ '5-bad.json': { ...phase5, role: 'Bad Role', outputs: [], gate: { checks: [{ kind: 'file' }] } } });
    const failure = failureOf(() => loadPhaseSet(BUILTIN_PHASES_DIR, dir));
    expect(failure.reason).toBe('invalid-data');
    if (failure.reason !== 'invalid-data') return;
    expect(failure.file).toBe(join(dir, '5-bad.json'));
    expect(failure.kind).toBe('phase definition');
    expect(failure.issues.map((i) => i.path).sort()).toEqual(['gate.checks[0].path', 'outputs', 'role']);
  });

  it('rejects a file that is not JSON, naming it', () => {
    const dir = overrides({ '5-bad.json': '{"id": 5,' });
    const failure = failureOf(() => loadPhaseSet(BUILTIN_PHASES_DIR, dir));
    expect(failure).toMatchObject({ reason: 'invalid-json', file: join(dir, '5-bad.json'), kind: 'phase definition' });
  });

  it('rejects unknown fields, unknown check kinds, unsafe paths and bad regexes', () => {
    const cases: [unknown, string][] = [
      [{ ...phase5, colour: 'red' }, '(root)'],
      [{ ...phase5, gate: { checks: [{ kind: 'magic', path: 'x' }] } }, 'gate.checks[0].kind'],
      [{ ...phase5, outputs: ['../outside.md'] }, 'outputs[0]'],
      [{ ...phase5, gate: { checks: [{ kind: 'file', path: 'x', must_match: '(' }] } }, 'gate.checks[0].must_match'],
      [{ ...phase5, gate: { checks: [{ kind: 'json', path: 'x/*.json', schema: 'builtin:tasks' }] } }, 'gate.checks[0].path'],
    ];
    for (const [def, path] of cases) {
      const failure = failureOf(() => loadPhaseSet(BUILTIN_PHASES_DIR, overrides({ '5.json': def })));
      expect(failure.reason === 'invalid-data' ? failure.issues.map((i) => i.path) : failure).toContain(path);
    }
  });

  it('rejects an unknown prompt placeholder', () => {
    const failure = failureOf(() => loadPhaseSet(BUILTIN_PHASES_DIR, overrides({ '5.json': { ...phase5, prompt: 'Use {{intnet}}.' } })));
    expect(failure).toMatchObject({ reason: 'invalid-data', issues: [{ path: 'prompt', message: expect.stringContaining('{{intnet}}') as unknown }] });
  });

  it('rejects two definitions of one phase in one directory, and two phases with one name', () => {
    const dup = failureOf(() => loadPhaseSet(BUILTIN_PHASES_DIR, overrides({ 'a.json': phase5, 'b.json': phase5 })));
    expect(dup).toMatchObject({ reason: 'invalid-data', issues: [{ path: 'id' }] });
    const sameName = failureOf(() => loadPhaseSet(BUILTIN_PHASES_DIR, overrides({ '5.json': { ...phase5, name: 'gap-analysis' } })));
    expect(sameName).toMatchObject({ reason: 'invalid-data', issues: [{ path: 'name' }] });
  });
});
