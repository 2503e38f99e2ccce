import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inlineSchemas } from '../../src/gates/builtin-schemas.js';
import { loadPhaseSet } from '../../src/phases/load.js';
import { renderPrompt, type PromptInput } from '../../src/phases/prompt.js';
import { BUILTIN_PHASES_DIR } from '../../src/paths.js';
import { planningWorkstream } from '../../src/workstream/planning.js';
import { ROOT } from '../helpers/git.js';

const workstream = planningWorkstream(loadPhaseSet(BUILTIN_PHASES_DIR));

function input(phase: number, extra: Partial<PromptInput> = {}): PromptInput {
  const step = workstream.stepForPhase(phase);
  if (step === undefined) throw new Error('no step');
  const gateChecks = workstream.gateChecks(step.gates.beforeAdvance) ?? [];
  return {
    step,
    phaseCount: 4,
    position: phase,
    workstream: 'planning',
    base: 'main',
    worktree: '/home/u/.local/state/phaserunner/worktrees/repo-0123456789ab/planning-2-gap-analysis',
    intentPath: 'INTENT.md',
    intent: '# Shelf\n\nA bookmark manager.\n',
    earlier: [{ phase: 1, title: 'Architecture baseline', files: [{ path: 'planning/architecture.md', bytes: 20, content: '## Components\n```js\nx\n```' }, { path: 'planning/adr/0001-big.md', bytes: 99999, content: undefined }] }],
    gateLabel: 'the phase 3 gate',
    gateChecks,
    schemas: inlineSchemas(gateChecks),
    previous: undefined,
    ...extra,
  };
}

describe('the rendered prompt', () => {
  const prompt = renderPrompt(input(2));

  it('tells the agent its role, the phase and where it works', () => {
    expect(prompt).toContain('# Phase 2: Gap analysis');
    expect(prompt).toContain('You are the analyst of this project.');
    expect(prompt).toContain('step 2 of 4');
    expect(prompt).toContain('/home/u/.local/state/phaserunner/worktrees/repo-0123456789ab/planning-2-gap-analysis');
  });

  it('fills the phase template\'s placeholders', () => {
    expect(prompt).toContain('Compare where the project is with where INTENT.md and the architecture baseline say it must go.');
    expect(prompt).not.toMatch(/\{\{/);
  });

  it('includes the intent and earlier outputs, inlining small files in fences they cannot close', () => {
    expect(prompt).toContain('## The intent (INTENT.md)');
    expect(prompt).toContain('A bookmark manager.');
    expect(prompt).toContain('- planning/architecture.md (20 bytes)');
    expect(prompt).toContain('````markdown\n## Components\n```js');
    expect(prompt).toContain('- planning/adr/0001-big.md (99999 bytes): read it from the checkout.');
  });

  it('lists exactly the files to write and what the gate will check', () => {
    expect(prompt).toContain('## Files you must write\n\n- planning/gap-analysis.md\n');
    expect(prompt).toContain('## What the phase 3 gate will check when you finish');
    expect(prompt).toContain('- planning/gap-analysis.md exists, is not empty, contains a match for /^## Gaps/m and contains no match for /\\b(TODO|TBD)\\b/m');
  });

  it("gives a built-in JSON Schema in full where the gate's check is described, not as a path outside the checkout", () => {
    const phase4 = renderPrompt(input(4));
    const schema = readFileSync(join(ROOT, 'schema', 'tasks.schema.json'), 'utf8').trimEnd();
    expect(phase4).toContain('- planning/tasks.json is a version 2 task plan matching the task list schema, given in full below: every task with "writes" and at least one command in "checks"');
    expect(phase4).toContain(`\nplanning/tasks.json must match the task list schema, this JSON Schema:\n\n\`\`\`json\n${schema}\n\`\`\`\n\nIf any check fails`);
    expect(phase4).not.toContain('schema/');
    // Phases whose gate has no json check get no schema.
    expect(prompt).not.toContain('JSON Schema');
  });

  it('always carries the rules', () => {
    expect(prompt).toContain('Do not run `git commit`');
    expect(prompt).toContain('Stay on the branch you were started on');
    expect(prompt).toContain('Write only the files listed under "Files you must write".');
  });

  it('says why the previous attempt failed, on a retry only', () => {
    expect(prompt).not.toContain('previous attempt');
    const retry = renderPrompt(input(2, { previous: { attempt: 1, reason: 'the agent exited with code 3.', rejected: false, gateFailures: [] } }));
    expect(retry).toContain('## Why the previous attempt failed\n\nAttempt 1 failed: the agent exited with code 3.\n\nFix this in this attempt.');
  });

  it("lists the gate's failed checks of the previous attempt, with hints and the end of long command output", () => {
    const output = `${'x'.repeat(5_000)}\nthe last line`;
    const retry = renderPrompt(
      input(2, {
        previous: {
          attempt: 1,
          reason: 'the phase 3 gate is not met: planning/gap-analysis.md is missing.',
          rejected: false,
          gateFailures: [
            { kind: 'file', subject: 'planning/gap-analysis.md', ok: false, message: 'is missing.', hint: 'Write it.' },
            { kind: 'command', subject: 'npm test', ok: false, message: 'exited 1.', output },
          ],
        },
      }),
    );
    const section = retry.slice(retry.indexOf('## Why the previous attempt failed'));
    expect(section).toContain('Attempt 1 wrote its files, but the phase 3 gate failed on them. These checks failed:\n\n- planning/gap-analysis.md: is missing. (Write it.)\n- npm test: exited 1.');
    expect(section).toContain('the last line');
    expect(section).not.toContain('x'.repeat(2_100));
  });

  it("gives a rejected attempt's reviewer reason", () => {
    const retry = renderPrompt(input(2, { previous: { attempt: 2, reason: 'Ada rejected it: name the storage engine.', rejected: true, gateFailures: [] } }));
    expect(retry).toContain('Attempt 2 passed the gate, but was not approved. Ada rejected it: name the storage engine.');
  });
});
