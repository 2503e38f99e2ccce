// retry N: a counted new attempt, from the current base, with the previous failure in its prompt.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, trailersOf, userState } from '../helpers/git.js';
import { readStore } from '../helpers/store.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

describe('retry', () => {
  it('dispatches a failed phase again and the run continues to the end', () => {
    const repo = scriptedRepo({ '2': ['fail', 'ok'] });
    const first = cli(repo, ['run', '--wait']);
    expect(first.code).toBe(1);
    expect(json<StatusView>(cli(repo, ['status', '--json'])).next).toMatch(/phaserunner retry 2/);

    const retried = cli(repo, ['retry', '2', '--wait']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(retried.stdout).toContain('phase 2 gap-analysis: dispatched attempt 2 to scripted');
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases.map((p) => [p.state, p.attempts])).toEqual([['done', 1], ['done', 2], ['done', 1], ['done', 1]]);

    // The merge of phase 2 records attempt 2 and the run id of the second run.
    const runs = runsOf(repo).filter((r) => r.phase === 2);
    expect(runs.map((r) => [r.attempt, r.step])).toEqual([[1, 'failed'], [2, 'merged']]);
    const merge = git(repo, 'log', '--merges', '--format=%H', '--grep=merge phase 2', 'main');
    expect(trailersOf(repo, merge)).toMatchObject({ Phase: '2', Attempt: '2', 'Run-Id': runs[1]?.run_id });

    // The second attempt's prompt tells the agent why the first failed.
    const prompt = readFileSync(join(runs[1]?.run_dir ?? '', 'prompt.md'), 'utf8');
    expect(prompt).toContain('## Why the previous attempt failed');
    expect(prompt).toContain('Attempt 1 failed: the agent exited with code 3.');

    // The transitions record the retry itself.
    const transitions = readStore<{ from_state: string; to_state: string; reason: string }>(
      repo,
      "SELECT from_state, to_state, reason FROM transitions WHERE step_id = '2' ORDER BY id",
    );
    expect(transitions.map((t) => `${t.from_state}->${t.to_state}`)).toEqual([
      'pending->running',
      'running->failed',
      'failed->pending',
      'pending->running',
      'running->done',
    ]);
    expect(transitions[2]?.reason).toBe('retry requested (attempt 2 of 3)');
  });

  it("gives the retry's agent the gate's failed checks, each with its message and hint", () => {
    const repo = scriptedRepo({ '1': ['todo', 'ok'] });
    expect(cli(repo, ['run', '--wait']).code).toBe(1);
    expect(cli(repo, ['retry', '1', '--wait', '--until', '1']).code).toBe(0);
    const second = runsOf(repo).find((r) => r.attempt === 2);
    const prompt = readFileSync(join(second?.run_dir ?? '', 'prompt.md'), 'utf8');
    const section = prompt.slice(prompt.indexOf('## Why the previous attempt failed'));
    expect(section).toContain('Attempt 1 wrote its files, but the phase 2 gate failed on them. These checks failed:');
    // The scripted agent's "todo" appends a TODO marker to planning/architecture.md.
    expect(section).toMatch(/^- planning\/architecture\.md: .*TODO/m);
    expect(section).toContain('Your checkout starts again from the base branch');
  });

  it('refuses once the phase has used all its attempts, changing nothing', () => {
    const repo = scriptedRepo({ '1': 'fail' }, { max_attempts: 2 });
    expect(cli(repo, ['run', '--wait']).code).toBe(1);
    expect(cli(repo, ['retry', '1', '--wait']).code).toBe(1);
    const before = userState(repo);
    const refused = cli(repo, ['retry', '1']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain('phase 1 has used all 2 of its attempts.');
    expect(refused.stderr.trim().split('\n').at(-1)).toMatch(/^Next: Raise "max_attempts"/);
    expect(userState(repo)).toEqual(before);
    expect(runsOf(repo)).toHaveLength(2);
  });

  it('refuses a phase that has not failed, and an unknown phase', () => {
    const repo = scriptedRepo();
    const notFailed = cli(repo, ['retry', '1']);
    expect(notFailed.code).toBe(64);
    expect(notFailed.stderr).toContain('phase 1 is pending; only a failed or conflicted phase can be retried.');
    const unknown = cli(repo, ['retry', '9']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('there is no phase 9; the phases are 1, 2, 3, 4.');
  });
});
