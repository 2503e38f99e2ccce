// `status --watch`: following a workstream read-only while another runner holds the lock
// (which refuses a second `run`), and the messages that point there.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliAsync, cliTtyHangUp } from '../helpers/cli.js';
import { commitFile } from '../helpers/git.js';
import { heldAgentRepo, runsOf, scriptedRepo, until } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

type WatchDoc = StatusView & {
  runner: { pid: number; host: string; since: string } | null;
  agents: { phase: number; run_id: string; working: boolean }[];
};

const ESC = String.fromCharCode(27);
const STATES = ['pending', 'running', 'awaiting_approval', 'done', 'failed', 'blocked', 'conflict'];
const SETTLED = 'Stopped watching: no runner holds the lock and no agent is working, so nothing changes until you act.';

/** The NDJSON documents of a --json watch; each line must be a whole status document. */
function docs(stdout: string): WatchDoc[] {
  expect(stdout.endsWith('\n')).toBe(true);
  return stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const doc = JSON.parse(line) as WatchDoc;
      expect(doc).toMatchObject({ workstream: 'planning', base: 'main' });
      expect(doc.phases.map((p) => p.phase)).toEqual([1, 2, 3, 4]);
      for (const p of doc.phases) expect(STATES).toContain(p.state);
      expect(Array.isArray(doc.agents)).toBe(true);
      return doc;
    });
}

/** Everything phaserunner keeps in the state directory that a reader could change: its entries, the store's bytes. */
function stateSnapshot(repo: string): Record<string, string> {
  const dir = join(repo, '.git', 'phaserunner');
  const hash = (file: string): string => (existsSync(file) ? createHash('sha256').update(readFileSync(file)).digest('hex') : 'none');
  return {
    entries: readdirSync(dir).sort().join(' '),
    runs: readdirSync(join(dir, 'runs')).sort().join(' '),
    db: hash(join(dir, 'state.db')),
    wal: hash(join(dir, 'state.db-wal')),
    definitions: hash(join(dir, 'definitions.cache.json')),
  };
}

describe('status --watch', () => {
  it('follows a run --wait that holds the lock and ends when that runner has finished; status and the refused run point to it', async () => {
    const { repo, release } = heldAgentRepo();
    try {
      const runner = cliAsync(repo, ['run', '--wait', '--until', '1']);
      await until(() => existsSync(join(runsOf(repo)[0]?.run_dir ?? '', 'started.json')), 15_000, 'the agent to start');

      const refused = cli(repo, ['run']);
      expect(refused.code).toBe(75);
      expect(refused.stderr.trimEnd().split('\n').at(-1)).toMatch(/^Next: Follow it with `phaserunner status --watch` \(read-only\), and try again once it has finished/);
      const status = cli(repo, ['status']);
      expect(status.code).toBe(0);
      expect(status.stdout.trimEnd().split('\n').at(-1)).toMatch(
        new RegExp(`^Next: Phase 1 \\(architecture-baseline\\) is running \\(attempt 1\\), driven by another phaserunner \\(pid ${runner.child.pid ?? 0} on .+, since \\d{4}-.+\\) that collects the result\\. Follow it with \`phaserunner status --watch\`\\.$`),
      );

      const watchJson = cliAsync(repo, ['status', '--watch', '--json', '--interval', '0.2']);
      const watchText = cliAsync(repo, ['status', '--watch', '--interval', '0.2']);
      await until(() => watchJson.output().stdout.includes('\n') && watchText.output().stdout.includes('waiting for the test'), 15_000, 'both watchers to show the running phase');
      release();
      const ran = await runner.done;
      expect(ran.code, ran.stderr).toBe(0);
      const [followedJson, followedText] = await Promise.all([watchJson.done, watchText.done]);

      expect(followedJson.code, followedJson.stderr).toBe(0);
      expect(followedJson.stderr).toBe('');
      const stream = docs(followedJson.stdout);
      expect(stream[0]?.phases[0]?.state).toBe('running');
      expect(stream[0]?.runner?.pid).toBe(runner.child.pid);
      expect(stream[0]?.agents).toEqual([{ phase: 1, run_id: runsOf(repo)[0]?.run_id, working: true }]);
      expect(stream.at(-1)).toMatchObject({ runner: null, agents: [], next: 'Run `phaserunner run --wait` to start phase 2 (gap-analysis).' });
      expect(stream.at(-1)?.phases.map((p) => p.state)).toEqual(['done', 'pending', 'pending', 'pending']);
      // One document per change: no two in a row alike.
      for (const [i, doc] of stream.entries()) if (i > 0) expect(JSON.stringify(doc)).not.toBe(JSON.stringify(stream[i - 1]));

      expect(followedText.code, followedText.stderr).toBe(0);
      const text = followedText.stdout;
      expect(text).toMatch(/^1\s+architecture-baseline\s+architect\s+running\s+1\/3/m);
      expect(text).toContain(`Runner: pid ${runner.child.pid ?? 0} on `);
      expect(text).toMatch(/^phase 1 architecture-baseline · \d+\.\ds · waiting for the test$/m);
      expect(text).toMatch(/^phase 1 architecture-baseline: running → done \(merged as [0-9a-f]{12}\)$/m);
      expect(text).toContain(`runner pid ${runner.child.pid ?? 0} on `);
      expect(text).toMatch(/let go of the lock\n/);
      expect(text).toMatch(/^1\s+architecture-baseline\s+architect\s+done\s+1\/3/m);
      expect(text.trimEnd().split('\n').at(-1)).toBe(SETTLED);
    } finally {
      release();
    }
  });

  it('writes nothing when the base branch moved or a definition changed, where a plain status updates the definitions cache', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    expect(cli(repo, ['status']).code).toBe(0);
    for (const change of [
      () => commitFile(repo, 'notes.md', 'notes\n'),
      () => commitFile(repo, '.phaserunner/phases/5-extra.json', JSON.stringify({ id: 5, name: 'extra', title: 'Extra', role: 'planner', reads: [], outputs: ['x.md'], prompt: 'Write x.md.', gate: { checks: [] } })),
    ]) {
      change();
      const before = stateSnapshot(repo);
      const watched = cli(repo, ['status', '--watch']);
      expect(watched.code, watched.stderr).toBe(0);
      expect(watched.stdout.trimEnd().split('\n').at(-1)).toBe(SETTLED);
      expect(stateSnapshot(repo)).toEqual(before);
      // The same look through a plain status remembers what it found.
      expect(cli(repo, ['status']).code).toBe(0);
      expect(stateSnapshot(repo).definitions).not.toBe(before.definitions);
    }
  });

  it('in a fresh repository ends at once and creates no state directory', () => {
    const repo = scriptedRepo();
    const text = cli(repo, ['status', '--watch']);
    expect(text.code, text.stderr).toBe(0);
    expect(text.stdout).toContain('Next: Run `phaserunner run --wait` to start phase 1 (architecture-baseline).');
    expect(text.stdout.trimEnd().split('\n').at(-1)).toBe(SETTLED);
    const stream = cli(repo, ['status', '--watch', '--json']);
    expect(stream.code).toBe(0);
    expect(docs(stream.stdout)).toEqual([expect.objectContaining({ current: 1, runner: null, agents: [] })]);
    expect(existsSync(join(repo, '.git', 'phaserunner'))).toBe(false);
  });

  it('follows an agent no runner holds, writes nothing, and stops on SIGTERM (143) and Ctrl-C (130)', async () => {
    const { repo, release } = heldAgentRepo();
    try {
      expect(cli(repo, ['run']).code).toBe(0);
      await until(() => existsSync(join(runsOf(repo)[0]?.run_dir ?? '', 'started.json')), 15_000, 'the agent to start');
      const before = stateSnapshot(repo);

      const text = cliAsync(repo, ['status', '--watch', '--interval', '0.2']);
      await until(() => text.output().stdout.includes('waiting for the test'), 15_000, 'the agent\'s output');
      text.child.kill('SIGTERM');
      const terminated = await text.done;
      expect(terminated.code).toBe(143);
      expect(terminated.stdout).toContain('No runner holds the lock.');
      expect(terminated.stderr.trimEnd().split('\n')).toEqual([
        'Stopped by SIGTERM: stopped watching. The runner and its agents, if any, go on.',
        'Next: `phaserunner status --watch` follows them again.',
      ]);

      const stream = cliAsync(repo, ['status', '--watch', '--json', '--interval', '0.2']);
      await until(() => stream.output().stdout.includes('\n'), 15_000, 'a document');
      stream.child.kill('SIGINT');
      const interrupted = await stream.done;
      expect(interrupted.code).toBe(130);
      expect(docs(interrupted.stdout)[0]).toMatchObject({ runner: null, agents: [{ phase: 1, working: true }] });

      expect(stateSnapshot(repo)).toEqual(before);
      // Still running, and still the runner's to collect.
      expect(existsSync(join(runsOf(repo)[0]?.run_dir ?? '', 'exit.json'))).toBe(false);
    } finally {
      release();
    }
  });

  it('redraws in place on a terminal, within 80 columns, and ends when the terminal closes', async () => {
    const { repo, release } = heldAgentRepo();
    try {
      expect(cli(repo, ['run']).code).toBe(0);
      const terminal = cliTtyHangUp(repo, ['status', '--watch', '--interval', '0.2']);
      // Three frames: the second is drawn over the first, and the third over the second.
      await until(() => terminal.output().split('watching (every 0.2s)').length > 3, 15_000, 'three frames');
      terminal.hangUp();
      const ended = await terminal.done;
      expect(ended).toMatchObject({ code: null, signal: 1 });
      const frames = ended.output.split(new RegExp(`\r${ESC}\\[\\d+A`));
      expect(frames.length).toBeGreaterThan(2);
      const second = frames[1] ?? '';
      // The frame moves back up exactly as many lines as it drew.
      const drawn = (second.match(/\n/g) ?? []).length;
      expect(ended.output).toContain(`\r${ESC}[${drawn}A`);
      for (const line of second.replace(new RegExp(`${ESC}\\[[0-9;]*[A-Za-z]`, 'g'), '').split(/\r?\n/)) expect(line.length).toBeLessThanOrEqual(80);
      // The table fits by leaving out the commit and merge columns.
      expect(second).toMatch(/^#\s+phase\s+role\s+state\s+attempts\s+approval\s+last gate\r?$/m);
      expect(second).toMatch(/^phase 1 architecture-baseline · \d+\.\ds · waiting for the test\r?$/m);
    } finally {
      release();
    }
  });

  it('refuses a bad --interval, and --interval without --watch (64)', () => {
    const repo = scriptedRepo();
    const zero = cli(repo, ['status', '--watch', '--interval', '0']);
    expect(zero.code).toBe(64);
    expect(zero.stderr).toContain('--interval must be a number of seconds from 0.1 to 3600, not 0.');
    const alone = cli(repo, ['status', '--interval', '2']);
    expect(alone.code).toBe(64);
    expect(alone.stderr).toContain('--interval goes with --watch: give both, or neither.');
  });
});
