// The config `init` writes, and `init --force` over an existing one: a `$schema` that resolves
// to the schema copy written next to it; --force keeps every setting the user made and
// changes only what its flags say; a config it cannot read or that is not valid is refused,
// not overwritten.
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { fakeBin, printsVersion } from '../helpers/fake-bin.js';
import { git, repoWithIntent, ROOT, userState } from '../helpers/git.js';

const configFile = (repo: string): string => join(repo, '.phaserunner', 'config.json');
const schemaFile = (repo: string): string => join(repo, '.phaserunner', 'config.schema.json');
const PACKAGE_CONFIG_SCHEMA = readFileSync(join(ROOT, 'schema', 'config.schema.json'), 'utf8');

/** A config a user has worked on: settings init never writes, in an order of their own. */
const CUSTOMISED = {
  $schema: './config.schema.json',
  version: 1,
  base: 'main',
  agent: 'scripted',
  max_attempts: 7,
  timeouts: { phase_minutes: 90, kill_grace_seconds: 10 },
  agents: {
    scripted: { type: 'scripted', delay_ms: 5 },
    mine: { type: 'command', argv: ['my-agent', '{prompt_file}'] },
  },
  approvals: [3, 4],
  identity: { name: 'Planning Bot', email: 'bot@example.invalid' },
};

const text = (config: unknown): string => JSON.stringify(config, null, 2) + '\n';

/** What `init --force` and its checks are about: the config's and its schema's bytes, and the user's repository. */
function snapshot(repo: string): { config: string; schema: string | undefined; user: Record<string, string> } {
  return { config: readFileSync(configFile(repo), 'utf8'), schema: existsSync(schemaFile(repo)) ? readFileSync(schemaFile(repo), 'utf8') : undefined, user: userState(repo) };
}

describe('the config init writes', () => {
  it('names its JSON Schema with a $schema that resolves to a copy of the generated schema next to it, and a run accepts it', () => {
    const repo = repoWithIntent();
    const result = cli(repo, ['init']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toContain(`Wrote ${schemaFile(repo)} (the config's JSON Schema, named by its "$schema" for editors).`);
    const config = JSON.parse(readFileSync(configFile(repo), 'utf8')) as Record<string, unknown>;
    expect(Object.keys(config)[0]).toBe('$schema');
    // An editor resolves $schema relative to the file that names it.
    const target = resolve(dirname(configFile(repo)), config['$schema'] as string);
    expect(target).toBe(schemaFile(repo));
    expect(readFileSync(target, 'utf8')).toBe(PACKAGE_CONFIG_SCHEMA);
    expect(json<{ schemaFile: string; updated: boolean }>(cli(repoWithIntent(), ['init', '--json']))).toMatchObject({ schemaFile: expect.stringMatching(/\.phaserunner\/config\.schema\.json$/) as unknown, updated: false });

    // The schema file under .phaserunner/ is not taken for a phase definition, and the config validates.
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'Set up phaserunner');
    expect(cli(repo, ['status']).code).toBe(0);
    const preview = cli(repo, ['show', '1', '--prompt']);
    expect(preview.code, preview.stderr).toBe(0);
  });

  it('has a config error name the file to fix, where to commit it, and a schema that exists', () => {
    const repo = repoWithIntent();
    expect(cli(repo, ['init']).code).toBe(0);
    git(repo, 'add', '.phaserunner', 'INTENT.md');
    git(repo, 'commit', '--quiet', '-m', 'Set up phaserunner');
    writeFileSync(configFile(repo), text({ ...CUSTOMISED, max_atempts: 2 }));
    git(repo, 'commit', '--quiet', '-am', 'A typo');
    const result = cli(repo, ['status']);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('main:.phaserunner/config.json is not a valid config:\n  - (root): Unrecognized key: "max_atempts"');
    const next = result.stderr.trim().split('\n').at(-1) ?? '';
    expect(next).toBe(`Next: Fix the field(s) above in .phaserunner/config.json, and commit it on main (the format is described by ${join(ROOT, 'schema', 'config.schema.json')}).`);
    expect(existsSync(join(ROOT, 'schema', 'config.schema.json'))).toBe(true);
  });
});

describe('init --force', () => {
  it('switches the agent and changes nothing else: every setting, the key order and the formatting are kept', () => {
    const bin = fakeBin({ claude: printsVersion('2.1.328 (Claude Code)') });
    const repo = repoWithIntent();
    mkdirSync(join(repo, '.phaserunner'));
    writeFileSync(configFile(repo), text(CUSTOMISED));
    // A stale copy of the schema is refreshed.
    writeFileSync(schemaFile(repo), '{}\n');
    const result = cli(repo, ['init', '--force', '--agent', 'claude'], { PATH: bin });
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout.split('\n')).toContain(`Updated ${configFile(repo)} (base branch main, agent claude); every other setting kept.`);
    // Overriding keys in a spread keeps their place: the same order, only "agent" and one new agent differ.
    expect(readFileSync(configFile(repo), 'utf8')).toBe(text({ ...CUSTOMISED, agent: 'claude', agents: { ...CUSTOMISED.agents, claude: { type: 'claude' } } }));
    expect(readFileSync(schemaFile(repo), 'utf8')).toBe(PACKAGE_CONFIG_SCHEMA);

    // Again: nothing to change, the same bytes.
    const before = readFileSync(configFile(repo), 'utf8');
    expect(cli(repo, ['init', '--force', '--agent', 'claude'], { PATH: bin }).code).toBe(0);
    expect(readFileSync(configFile(repo), 'utf8')).toBe(before);
  });

  it('keeps an agent the config declares as the user set it, and checks that one', () => {
    // Claude Code is not on PATH, but where the config says it is.
    const bin = fakeBin({ 'claude-2.1': printsVersion('2.1.328 (Claude Code)') });
    const declared = { type: 'claude', command: join(bin, 'claude-2.1'), model: 'sonnet' };
    const repo = repoWithIntent();
    mkdirSync(join(repo, '.phaserunner'));
    writeFileSync(configFile(repo), text({ ...CUSTOMISED, agents: { claude: declared } }));
    const result = cli(repo, ['init', '--force', '--agent', 'claude'], { PATH: fakeBin() });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(configFile(repo), 'utf8')).toBe(text({ ...CUSTOMISED, agent: 'claude', agents: { claude: declared } }));
  });

  it('changes only the base with --base, keeping an agent that is not installed here; adds $schema and agents where init puts them', () => {
    const repo = repoWithIntent();
    git(repo, 'branch', 'trunk');
    mkdirSync(join(repo, '.phaserunner'));
    // A config from before $schema, on an agent CLI this machine does not have.
    const old = { version: 1, base: 'main', agent: 'codex', max_attempts: 5, agents: { codex: { type: 'codex' } } };
    writeFileSync(configFile(repo), text(old));
    const result = cli(repo, ['init', '--force', '--base', 'trunk'], { PATH: fakeBin() });
    expect(result.code, result.stderr).toBe(0);
    expect(readFileSync(configFile(repo), 'utf8')).toBe(text({ $schema: './config.schema.json', ...old, base: 'trunk' }));
    expect(readFileSync(schemaFile(repo), 'utf8')).toBe(PACKAGE_CONFIG_SCHEMA);

    // A config without agents gets the declaration right after "agent", as a fresh init writes it.
    writeFileSync(configFile(repo), text({ version: 1, base: 'main', agent: 'scripted', max_attempts: 4 }));
    const gemini = cli(repo, ['init', '--force', '--agent', 'gemini'], { PATH: fakeBin({ gemini: printsVersion('0.9.0') }) });
    expect(gemini.code, gemini.stderr).toBe(0);
    expect(readFileSync(configFile(repo), 'utf8')).toBe(text({ $schema: './config.schema.json', version: 1, base: 'main', agent: 'gemini', agents: { gemini: { type: 'gemini' } }, max_attempts: 4 }));
  });

  it('refuses a config that is not JSON, not valid, or not readable (65), naming the file and the problem and writing nothing', () => {
    const repo = repoWithIntent();
    mkdirSync(join(repo, '.phaserunner'));
    const cases: [content: string, message: string][] = [
      ['{"version": 1, "base": "main",', `${configFile(repo)} (config) is not valid JSON: `],
      [text({ ...CUSTOMISED, timeouts: { phase_minute: 3 } }), `${configFile(repo)} is not a valid config:\n  - timeouts: Unrecognized key: "phase_minute"`],
      [text([CUSTOMISED]), `${configFile(repo)} is not a valid config:\n  - (root): `],
    ];
    for (const [content, message] of cases) {
      writeFileSync(configFile(repo), content);
      const before = snapshot(repo);
      const result = cli(repo, ['init', '--force', '--agent', 'scripted']);
      expect(result.code, result.stderr).toBe(65);
      expect(result.stderr).toContain(`phaserunner: ${message}`);
      expect(result.stderr.trim().split('\n').at(-1)).toMatch(new RegExp(`^Next: Fix .* in ${configFile(repo).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}`));
      expect(snapshot(repo)).toEqual(before);
      expect(before.schema).toBeUndefined();
    }

    const dir = repoWithIntent();
    mkdirSync(configFile(dir), { recursive: true });
    const before = userState(dir);
    const unreadable = cli(dir, ['init', '--force']);
    expect(unreadable.code).toBe(65);
    expect(unreadable.stderr).toContain(`phaserunner: ${configFile(dir)} (config) cannot be read: EISDIR`);
    expect(existsSync(schemaFile(dir))).toBe(false);
    expect(userState(dir)).toEqual(before);
  });
});
