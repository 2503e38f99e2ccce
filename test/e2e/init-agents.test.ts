// `phaserunner init` finds the agent CLIs installed (claude, codex, gemini, aider on PATH),
// proposes the first in that order, and with --agent writes one as the active agent. The
// CLIs are fake shell scripts on a PATH made for the test.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { fakeBin, printsVersion } from '../helpers/fake-bin.js';
import { git, repoWithIntent, userState } from '../helpers/git.js';

interface InitJson {
  ok: boolean;
  agent: string;
  detected: { type: string; path: string; version: string | null }[];
  proposed: string | null;
}

const config = (repo: string): Record<string, unknown> => JSON.parse(readFileSync(join(repo, '.phaserunner', 'config.json'), 'utf8')) as Record<string, unknown>;

const EVERY_CLI = {
  aider: printsVersion('aider 0.86.1'),
  gemini: printsVersion('0.9.0'),
  codex: `echo\n${printsVersion('codex-cli 0.46.0')}`,
  claude: printsVersion('2.1.328 (Claude Code)'),
};

describe('init finds the agent CLIs', () => {
  it('lists each with its version and path, proposes claude first, and keeps the scripted agent without --agent', () => {
    const bin = fakeBin(EVERY_CLI);
    const repo = repoWithIntent();
    const result = cli(repo, ['init', '--json'], { PATH: bin });
    expect(result.code, result.stderr).toBe(0);
    const out = json<InitJson>(result);
    expect(out.detected).toEqual([
      { type: 'claude', path: join(bin, 'claude'), version: '2.1.328' },
      { type: 'codex', path: join(bin, 'codex'), version: '0.46.0' },
      { type: 'gemini', path: join(bin, 'gemini'), version: '0.9.0' },
      { type: 'aider', path: join(bin, 'aider'), version: '0.86.1' },
    ]);
    expect(out.proposed).toBe('claude');
    expect(out.agent).toBe('scripted');
    expect(config(repo)['agent']).toBe('scripted');
    expect(config(repo)['agents']).toBeUndefined();

    const human = cli(repoWithIntent(), ['init'], { PATH: bin });
    expect(human.code).toBe(0);
    const lines = human.stdout.split('\n');
    expect(lines).toContain(`Found: claude 2.1.328 (${join(bin, 'claude')}), codex 0.46.0 (${join(bin, 'codex')}), gemini 0.9.0 (${join(bin, 'gemini')}), aider 0.86.1 (${join(bin, 'aider')})`);
    expect(lines).toContain('  phaserunner init --force --agent claude');
    expect(lines).toContain('or set in .phaserunner/config.json: "agent": "claude", "agents": {"claude": {"type": "claude"}}');
  });

  it('proposes the first found in the order claude, codex, gemini, aider, and says how to switch with the base it was given', () => {
    const bin = fakeBin({ aider: EVERY_CLI.aider, gemini: EVERY_CLI.gemini });
    const repo = repoWithIntent();
    git(repo, 'branch', 'trunk');
    const out = json<InitJson>(cli(repo, ['init', '--json', '--base', 'trunk'], { PATH: bin }));
    expect(out.detected.map((d) => d.type)).toEqual(['gemini', 'aider']);
    expect(out.proposed).toBe('gemini');
    const human = cli(repoWithIntent(), ['init', '--base', 'main'], { PATH: bin });
    expect(human.stdout.split('\n')).toContain('  phaserunner init --force --agent gemini --base main');
  });

  it('says when it finds none, and proposes nothing', () => {
    const bin = fakeBin();
    const out = json<InitJson>(cli(repoWithIntent(), ['init', '--json'], { PATH: bin }));
    expect(out.detected).toEqual([]);
    expect(out.proposed).toBeNull();
    const human = cli(repoWithIntent(), ['init'], { PATH: bin });
    expect(human.stdout.split('\n')).toContain('No agent CLI found on PATH (looked for claude, codex, gemini, aider).');
    expect(human.stdout).toContain('then run `phaserunner init --force --agent claude`.');
  });

  it('with --agent claude writes it as the active agent, in a config that doctor accepts', () => {
    const bin = fakeBin({ claude: EVERY_CLI.claude });
    const repo = repoWithIntent();
    const result = cli(repo, ['init', '--agent', 'claude'], { PATH: bin });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain(`(base branch main, agent claude).`);
    expect(result.stdout.split('\n')).toContain(`Found: claude 2.1.328 (${join(bin, 'claude')})`);
    expect(result.stdout).not.toContain('--force --agent');
    expect(config(repo)).toMatchObject({ agent: 'claude', agents: { claude: { type: 'claude' } } });

    // Committed, as init says to: the base branch's definitions are what governs.
    git(repo, 'add', '.phaserunner');
    git(repo, 'commit', '--quiet', '-m', 'Set up phaserunner');
    const doctor = cli(repo, ['doctor', '--json'], { PATH: bin });
    expect(doctor.code, doctor.stdout).toBe(0);
    const agent = json<{ checks: { name: string; level: string; details: Record<string, unknown> }[] }>(doctor).checks.find((c) => c.name === 'agent');
    expect(agent).toMatchObject({ level: 'ok', details: { agent: 'claude', active: true, version: '2.1.328' } });
  });

  it('refuses --agent claude when it is not installed (69), writing nothing', () => {
    const repo = repoWithIntent();
    const before = userState(repo);
    const result = cli(repo, ['init', '--agent', 'claude'], { PATH: fakeBin() });
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('agent "claude" cannot be started: claude was not found or is not executable.');
    expect(result.stderr.trim().split('\n').at(-1)).toBe('Next: Install Claude Code: `npm install -g @anthropic-ai/claude-code`; or, if it is installed elsewhere, set "command" of agent "claude" in .phaserunner/config.json to its path.');
    expect(existsSync(join(repo, '.phaserunner'))).toBe(false);
    expect(userState(repo)).toEqual(before);
  });

  it('refuses an unknown --agent as a usage error (64) naming the choices, writing nothing', () => {
    const repo = repoWithIntent();
    const before = userState(repo);
    for (const args of [['init', '--agent', 'gpt9'], ['init', '--agent', 'gpt9', '--json']]) {
      const result = cli(repo, args, { PATH: fakeBin(EVERY_CLI) });
      expect(result.code).toBe(64);
      expect(result.stderr).toContain('Argument: agent, Given: "gpt9", Choices: "scripted", "claude", "codex", "gemini", "aider"');
      expect(result.stderr.trim().split('\n').at(-1)).toBe('Next: run `phaserunner --help` for usage.');
    }
    expect(existsSync(join(repo, '.phaserunner'))).toBe(false);
    expect(userState(repo)).toEqual(before);
  });
});
