// The scripted agent's artifacts must pass the built-in gates, or the demo would be a lie.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import { evaluateGate } from '../../src/gates/evaluate.js';
import { loadPhaseSet } from '../../src/phases/load.js';
import { BUILTIN_PHASES_DIR } from '../../src/paths.js';
import { parseIntent } from '../../src/scripted-agent/intent.js';
import { planArtifacts } from '../../src/scripted-agent/plan.js';
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

  it('writes one plausible file per output of a phase it does not know', () => {
    const intent = parseIntent('# X\n\n## Goals\n\n- A goal.\n');
    expect(planArtifacts(tempDir(), intent, ['planning/risks.md', 'notes/**/*.md']).map((a) => a.path)).toEqual(['planning/risks.md', 'notes/notes.md']);
  });
});
