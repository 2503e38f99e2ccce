// `phaserunner demo`: the README's first command.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { git, tempDir, trailersOf } from '../helpers/git.js';

describe('demo', () => {
  it('creates a repository at --dir and drives phases 1-4 to four merges, printing each step', () => {
    const dir = join(tempDir(), 'shelf');
    const result = cli(tempDir(), ['demo', '--dir', dir, '--delay', '20']);
    expect(result.code, result.stderr).toBe(0);
    for (const step of ['gate phase-1 passed', 'dispatched attempt 1', 'agent exited 0', 'committed', 'merged into main', 'done']) {
      expect(result.stdout).toContain(step);
    }
    expect(result.stdout).toMatch(/4\s+task-planning\s+planner\s+done/);
    expect(result.stdout).toContain(`Repository: ${dir}`);
    expect(git(dir, 'rev-list', '--merges', '--count', 'main')).toBe('4');
    // The shipped config has phase 4 approved: the demo shows the command and plays the human.
    expect(result.stdout).toContain('phaserunner approve 4 --by "Demo Reviewer"');
    const last = trailersOf(dir, 'main');
    expect(last).toMatchObject({ Phase: '4', Agent: 'scripted', 'Approved-By': 'Demo Reviewer' });
    expect(last['Approved-Digest']).toBe(last['Artifacts-Digest']);
    expect(git(dir, 'status', '--porcelain')).toBe('');
  });

  it('prints one JSON document with --json', () => {
    const dir = join(tempDir(), 'shelf');
    const result = cli(tempDir(), ['demo', '--dir', dir, '--delay', '0', '--json']);
    expect(result.code, result.stderr).toBe(0);
    const doc = JSON.parse(result.stdout) as { type: string; exit_code: number; dir: string; status: { complete: boolean }; events: { type: string }[] };
    expect(doc).toMatchObject({ type: 'result', exit_code: 0, dir, status: { complete: true } });
    expect(doc.events.filter((e) => e.type === 'merged')).toHaveLength(4);
  });

  it('refuses a directory that is not empty', () => {
    const dir = tempDir();
    mkdirSync(join(dir, 'x'));
    writeFileSync(join(dir, 'x', 'keep.txt'), 'mine\n');
    const result = cli(dir, ['demo', '--dir', join(dir, 'x')]);
    expect(result.code).toBe(64);
    expect(result.stderr).toContain('is not an empty directory; the demo needs a new or empty one.');
  });
});
