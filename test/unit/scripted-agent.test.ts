// The scripted agent's artifacts must pass the built-in gates, or the demo would be a lie.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { evaluateGate } from '../../src/gates/evaluate.js';
import { loadPhaseSet } from '../../src/phases/load.js';
import { BUILTIN_PHASES_DIR } from '../../src/paths.js';
import { parseIntent } from '../../src/scripted-agent/intent.js';
import { planArtifacts } from '../../src/scripted-agent/plan.js';
import { planV1 } from '../../src/scripted-agent/artifacts.js';
import { parsePlan, problemText } from '../../src/planning/plan.js';
import { planningWorkstream } from '../../src/workstream/planning.js';
import { DEMO_INTENT, tempDir, writeFile } from '../helpers/git.js';

describe('the scripted agent', () => {
  it('reads goals, constraints and non-goals from an intent, keeping non-goals out of the goals', () => {
    const intent = parseIntent(readFileSync(DEMO_INTENT, 'utf8'));
    expect(intent.title).toBe('Shelf');
    expect(intent.goals).toHaveLength(5);
    expect(intent.constraints).toHaveLength(3);
    expect(intent.nonGoals).toEqual(['Reading-list or offline-reading features.', 'A mobile app.']);
  });

  it('writes, phase after phase, files that pass every built-in gate, the same bytes every time', async () => {
    const workstream = planningWorkstream(loadPhaseSet(BUILTIN_PHASES_DIR));
    const intent = parseIntent(readFileSync(DEMO_INTENT, 'utf8'));
    const dir = tempDir();
    writeFile(dir, 'INTENT.md', readFileSync(DEMO_INTENT, 'utf8'));
    for (const phase of workstream.phaseIds) {
      const step = workstream.stepForPhase(phase);
      if (step === undefined) throw new Error('step');
      const artifacts = planArtifacts(dir, intent, step.outputs);
      expect(planArtifacts(dir, intent, step.outputs)).toEqual(artifacts);
      for (const a of artifacts) writeFile(dir, a.path, a.content);
      const gate = await evaluateGate(step.gates.beforeAdvance, workstream.gateChecks(step.gates.beforeAdvance) ?? [], dir);
      expect(gate.checks.filter((c) => !c.ok).map((c) => c.message)).toEqual([]);
    }
  });

  it("plans the demo as an executable plan: one task per module with its node:test check, the store first, the components in parallel after it", () => {
    const dir = tempDir();
    writeFile(dir, 'INTENT.md', readFileSync(DEMO_INTENT, 'utf8'));
    const intent = parseIntent(readFileSync(DEMO_INTENT, 'utf8'));
    const tasksFile = planArtifacts(dir, intent, ['planning/tasks.json'])[0];
    const loaded = parsePlan(tasksFile?.content ?? '', 'planning/tasks.json', { minVersion: 2 });
    if (!loaded.ok) throw new Error(loaded.problems.map(problemText).join('\n'));
    const tasks = loaded.plan.tasks;
    expect(tasks.map((t) => [t.id, t.depends_on, t.writes])).toEqual([
      ['T-001', [], ['package.json', 'src/store.js', 'test/store.test.js']],
      ['T-002', ['T-001'], ['src/save-bookmark-title.js', 'test/save-bookmark-title.test.js']],
      ['T-003', ['T-001'], ['src/search-bookmarks-words.js', 'test/search-bookmarks-words.test.js']],
      ['T-004', ['T-001'], ['src/import-export-bookmarks.js', 'test/import-export-bookmarks.test.js']],
      ['T-005', ['T-001'], ['src/share-tag-team.js', 'test/share-tag-team.test.js']],
      ['T-006', ['T-001'], ['src/keep-audit-trail.js', 'test/keep-audit-trail.test.js']],
    ]);
    // Each task's check runs the test file it writes.
    for (const t of tasks) expect(t.checks).toEqual([{ argv: ['node', '--test', t.writes.at(-1)], timeout_seconds: 120 }]);
    // No file is claimed twice: the components can run at the same time.
    const claimed = tasks.flatMap((t) => t.writes);
    expect(new Set(claimed).size).toBe(claimed.length);
  });

  it('writes a version 1 plan of the same tasks for behavior "plan-v1", as it did before plans were executable', () => {
    const intent = parseIntent(readFileSync(DEMO_INTENT, 'utf8'));
    const v2 = planArtifacts(tempDir(), intent, ['planning/tasks.json'])[0]?.content ?? '';
    const v1 = JSON.parse(planV1(v2)) as { version: number; tasks: Record<string, unknown>[] };
    expect(v1.version).toBe(1);
    expect(v1.tasks.map((t) => Object.keys(t))).toEqual(v1.tasks.map(() => ['id', 'title', 'description', 'milestone', 'epic', 'depends_on', 'acceptance']));
    expect(parsePlan(planV1(v2), 'planning/tasks.json')).toMatchObject({ ok: true, plan: { version: 1 } });
  });

  it('writes one plausible file per output of a phase it does not know', () => {
    const intent = parseIntent('# X\n\n## Goals\n\n- A goal.\n');
    expect(planArtifacts(tempDir(), intent, ['planning/risks.md', 'notes/**/*.md']).map((a) => a.path)).toEqual(['planning/risks.md', 'notes/notes.md']);
  });
});
