// Bad input: a clear error naming the file, field or command, the contract's exit code, and
// no change to anything the user owns (nor any runner state created).
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { spawnSync } from 'node:child_process';
import { CLI, cli, json } from '../helpers/cli.js';
import { readStore, writeStore } from '../helpers/store.js';
import { testEnv } from '../helpers/env.js';
import { commitFile, emptyRepo, git, repoWithIntent, ROOT, scriptedConfig, tempDir, userState, writeConfig } from '../helpers/git.js';
import { scriptedRepo } from '../helpers/setup.js';

/** The schema a validation error says describes the file: it must exist where the user is. */
function describedBy(stderr: string): string {
  const schema = /\(the format is described by (.+)\)\.$/.exec(stderr.trim().split('\n').at(-1) ?? '')?.[1];
  expect(schema, stderr).toBeDefined();
  expect(existsSync(schema ?? ''), `${schema ?? ''} does not exist`).toBe(true);
  return schema ?? '';
}

/** Runs the CLI and checks exit code, message and that the repository did not change. */
function refuses(repo: string, args: string[], code: number, message: RegExp | string): ReturnType<typeof cli> {
  const before = userState(repo);
  const result = cli(repo, args);
  expect(result.code, `${args.join(' ')}\n${result.stderr}`).toBe(code);
  if (typeof message === 'string') expect(result.stderr).toContain(message);
  else expect(result.stderr).toMatch(message);
  expect(result.stderr.trim().split('\n').at(-1)).toMatch(/^Next: /);
  expect(userState(repo)).toEqual(before);
  return result;
}

const noState = (repo: string): boolean => !existsSync(join(repo, '.git', 'phaserunner'));

describe('init refuses', () => {
  it('outside a git repository', () => {
    const dir = tempDir();
    const result = cli(dir, ['init']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`is not inside a git repository`);
    expect(existsSync(join(dir, '.phaserunner'))).toBe(false);
    expect(existsSync(join(dir, 'INTENT.md'))).toBe(false);
  });

  it('in a repository with no commits', () => {
    const dir = emptyRepo();
    const result = cli(dir, ['init']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('has no commits yet');
    expect(existsSync(join(dir, '.phaserunner'))).toBe(false);
  });

  it('an unknown agent, a missing base branch, and a second init', () => {
    const repo = repoWithIntent();
    refuses(repo, ['init', '--agent', 'gpt9'], 64, 'Argument: agent, Given: "gpt9", Choices: "scripted", "claude", "codex", "gemini", "aider"');
    refuses(repo, ['init', '--base', 'develop'], 78, 'the base branch "develop" does not exist');
    expect(existsSync(join(repo, '.phaserunner'))).toBe(false);
    expect(cli(repo, ['init']).code).toBe(0);
    refuses(repo, ['init'], 78, 'config.json already exists; init changed nothing.');
  });

  it('to guess the base branch when HEAD is detached and there is no main', () => {
    const repo = repoWithIntent();
    git(repo, 'switch', '--quiet', '--detach');
    git(repo, 'branch', '--quiet', '-m', 'main', 'trunk');
    refuses(repo, ['init'], 78, 'HEAD is detached in');
    expect(existsSync(join(repo, '.phaserunner'))).toBe(false);
    expect(cli(repo, ['init', '--base', 'trunk']).code).toBe(0);
  });
});

describe('init', () => {
  it('writes the config and an INTENT.md template when there is none, and explains the next step', () => {
    const repo = emptyRepo();
    commitFile(repo, 'README.md', '# x\n');
    const result = cli(repo, ['init']);
    expect(result.code).toBe(0);
    expect(result.stdout).toContain('Wrote');
    expect(result.stdout).toContain('phaserunner run --wait');
    expect(existsSync(join(repo, 'INTENT.md'))).toBe(true);
    expect(existsSync(join(repo, '.phaserunner', 'config.json'))).toBe(true);
  });

  it('leaves an existing INTENT.md alone', () => {
    const repo = repoWithIntent();
    const before = git(repo, 'hash-object', 'INTENT.md');
    expect(cli(repo, ['init', '--json']).code).toBe(0);
    expect(git(repo, 'hash-object', 'INTENT.md')).toBe(before);
  });
});

describe('run refuses', () => {
  it('before init', () => {
    const repo = repoWithIntent();
    refuses(repo, ['run'], 78, 'phaserunner is not set up in this repository');
    expect(noState(repo)).toBe(true);
  });

  it('a config that is not JSON, naming the file', () => {
    const repo = repoWithIntent();
    commitFile(repo, '.phaserunner/config.json', '{"version": 1, "base": "main",');
    refuses(repo, ['run'], 65, /\.phaserunner\/config\.json \(config\) is not valid JSON/);
    expect(noState(repo)).toBe(true);
  });

  it('a config with a wrong field, naming the field', () => {
    const repo = repoWithIntent();
    writeConfig(repo, { ...scriptedConfig(), max_attempts: 0, timeouts: { phase_minute: 3 } });
    const result = refuses(repo, ['run'], 65, 'config.json is not a valid config:');
    expect(result.stderr).toContain('  - max_attempts: ');
    expect(result.stderr).toContain('  - timeouts: Unrecognized key: "phase_minute"');
    // No copy of the schema in this repository (init did not write this config): the package's.
    expect(describedBy(result.stderr)).toBe(join(ROOT, 'schema', 'config.schema.json'));
    expect(noState(repo)).toBe(true);
  });

  it('a malformed phase file, naming the file and the field', () => {
    const repo = scriptedRepo();
    commitFile(repo, '.phaserunner/phases/2-gap-analysis.json', JSON.stringify({ id: 2, name: 'gap-analysis', title: 'Gaps', role: 'analyst', outputs: 'planning/gaps.md', prompt: 'x', gate: { checks: [] } }));
    const result = refuses(repo, ['run'], 65, /\.phaserunner\/phases\/2-gap-analysis\.json is not a valid phase definition:/);
    expect(result.stderr).toContain('  - outputs: ');
    expect(describedBy(result.stderr)).toBe(join(ROOT, 'schema', 'phase.schema.json'));
    expect(noState(repo)).toBe(true);
  });

  it('a phase file that is not JSON', () => {
    const repo = scriptedRepo();
    commitFile(repo, '.phaserunner/phases/5-extra.json', '{ nope');
    refuses(repo, ['run'], 65, /5-extra\.json \(phase definition\) is not valid JSON/);
    expect(noState(repo)).toBe(true);
  });

  it('an unknown agent', () => {
    const repo = repoWithIntent();
    writeConfig(repo, { ...scriptedConfig(), agent: 'claude-9' });
    refuses(repo, ['run'], 78, /unknown agent "claude-9" \("agent" in .*config\.json\); known agents: scripted\./);
    expect(noState(repo)).toBe(true);
  });

  it('an agent whose program is not on PATH', () => {
    const repo = repoWithIntent();
    writeConfig(repo, { ...scriptedConfig(), agent: 'mine', agents: { mine: { type: 'command', argv: ['no-such-agent-binary', '{prompt_file}'] } } });
    refuses(repo, ['run'], 69, 'agent "mine" cannot be started: no-such-agent-binary was not found or is not executable.');
    expect(noState(repo)).toBe(true);
  });

  it('an agent argv with an unknown placeholder', () => {
    const repo = repoWithIntent();
    writeConfig(repo, { ...scriptedConfig(), agent: 'mine', agents: { mine: { type: 'command', argv: ['sh', '{promptfile}'] } } });
    refuses(repo, ['run'], 65, /agents\.mine\.argv: unknown placeholder \{promptfile\}/);
  });

  it('a base branch that does not exist', () => {
    const repo = repoWithIntent();
    writeConfig(repo, { ...scriptedConfig(), base: 'release' });
    refuses(repo, ['run'], 78, 'the base branch "release" does not exist');
    expect(noState(repo)).toBe(true);
  });

  it('--until or retry with a phase that does not exist, before creating any state', () => {
    const repo = scriptedRepo();
    refuses(repo, ['run', '--until', '7'], 64, 'there is no phase 7');
    refuses(repo, ['retry', '9'], 64, 'there is no phase 9');
    expect(noState(repo)).toBe(true);
  });

  it('a phase timeout too small to run anything', () => {
    const repo = repoWithIntent();
    writeConfig(repo, scriptedConfig({ timeouts: { phase_minutes: 0.000001 } }));
    refuses(repo, ['run'], 65, / {2}- timeouts\.phase_minutes: Too small: expected number to be >=0\.01/);
  });

  it('execution settings out of range or misspelt, each named with its field', () => {
    const repo = repoWithIntent();
    writeConfig(repo, scriptedConfig({ execution: { concurrency: 0, integration_checks: [{ argv: [] }], approvals: ['T..1'], parallel: true } }));
    const result = refuses(repo, ['run'], 65, / {2}- execution\.concurrency: Too small: expected number to be >=1/);
    expect(result.stderr).toContain('  - execution.integration_checks[0].argv: Too small: expected array to have >=1 items');
    expect(result.stderr).toContain('  - execution.approvals[0]: task id "T..1" must not contain ".."');
    expect(result.stderr).toContain('  - execution: Unrecognized key: "parallel"');
    expect(noState(repo)).toBe(true);
  });

  it('a directory that does not exist', () => {
    const result = cli(tempDir(), ['-C', '/nonexistent/phaserunner', 'run']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain('/nonexistent/phaserunner is not inside a git repository');
  });
});

describe('the phase 1 gate', () => {
  it('blocks with exit 2 when INTENT.md is missing, naming it, and creates no branch', () => {
    const repo = scriptedRepo();
    git(repo, 'rm', '--quiet', 'INTENT.md');
    git(repo, 'commit', '--quiet', '-m', 'Remove intent');
    const result = refuses(repo, ['run', '--wait'], 2, 'INTENT.md is missing.');
    expect(result.stdout).toContain('gate phase-1 NOT met before dispatch');
    expect(result.stderr).toContain('Describe the project in INTENT.md');
    expect(git(repo, 'branch', '--list', 'phaserunner/*')).toBe('');
  });

  it('blocks while INTENT.md is still the init template, and opens once it is written', () => {
    const repo = emptyRepo();
    commitFile(repo, 'README.md', '# x\n');
    expect(cli(repo, ['init']).code).toBe(0);
    git(repo, 'add', '.');
    git(repo, 'commit', '--quiet', '-m', 'init');
    refuses(repo, ['run'], 2, /INTENT\.md:1 contains "<!-- phaserunner:template", which must not appear/);
    writeFileSync(join(repo, 'INTENT.md'), '# Tiny\n\n## Goals\n\n- Do one thing well.\n');
    git(repo, 'commit', '--quiet', '-am', 'Write intent');
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(result.stdout).toContain('Stopped after phase 1, as asked by --until.');
  });

  it('sees only committed files: an uncommitted INTENT.md is refused as uncommitted, a missing one fails the gate', () => {
    const repo = scriptedRepo();
    git(repo, 'rm', '--quiet', '--cached', 'INTENT.md');
    git(repo, 'commit', '--quiet', '-m', 'Untrack intent');
    // INTENT.md is still in the working tree, untracked: it would not reach the agent.
    refuses(repo, ['run'], 78, 'your checkout differs from it in INTENT.md;');
    rmSync(join(repo, 'INTENT.md'));
    refuses(repo, ['run'], 2, 'INTENT.md is missing.');
  });
});

describe('output', () => {
  it('stops quietly when the reader closes the pipe', () => {
    const repo = scriptedRepo();
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" status | head -c 5`], { cwd: repo, env: testEnv(), encoding: 'utf8' });
    expect(result.stdout).toBe('plann');
    expect(result.stderr).toBe('');
  });

  it('goes on to its end and its own exit code when the pipe closes mid-run, releasing its lock', () => {
    const repo = scriptedRepo({ '1': 'fail' });
    // bash, for the exit code of the first command of the pipeline.
    const result = spawnSync('bash', ['-c', `"${process.execPath}" "${CLI}" run --wait --until 1 | head -c 1; echo "exit \${PIPESTATUS[0]}" >&2`], { cwd: repo, env: testEnv(), encoding: 'utf8' });
    expect(result.stderr).toContain('exit 1'); // the phase failed: not the 0 of a reader that left
    expect(existsSync(join(repo, '.git', 'phaserunner', 'runner.lock'))).toBe(false);
  });

  it('exits 70 with one line, not a stack, when stdout cannot be written', () => {
    const repo = scriptedRepo();
    const result = spawnSync('sh', ['-c', `"${process.execPath}" "${CLI}" status > /dev/full`], { cwd: repo, env: testEnv(), encoding: 'utf8' });
    expect(result.status).toBe(70);
    expect(result.stderr).toBe('phaserunner: cannot write the output: ENOSPC: no space left on device, write\nNext: check where stdout goes (a full disk, a closed file).\n');
  });
});

describe('arguments yargs would let through', () => {
  it('an option given twice is refused before anything is recorded, not passed on as a list', () => {
    const repo = scriptedRepo({}, { approvals: [1] });
    expect(cli(repo, ['run', '--wait']).code).toBe(2);
    refuses(repo, ['approve', '1', '--by', 'Ada', '--by', 'Bob'], 64, '--by was given 2 times ("Ada", "Bob"); give it once.');
    refuses(repo, ['reject', '1', '--by', 'Ada', '--reason', 'a', '--reason', 'b'], 64, '--reason was given 2 times ("a", "b"); give it once.');
    expect(cli(repo, ['status', '--json']).stdout).toContain('"state": "awaiting_approval"');
  });

  it('a phase or number that is not one', () => {
    const repo = scriptedRepo();
    // A word is a task's id (issue 17): refused as one nobody planned.
    refuses(repo, ['retry', 'two'], 64, 'there is no task "two" in the plan; the tasks are (none).');
    refuses(repo, ['show', 'x'], 64, 'there is no task "x" in the plan; the tasks are (none).');
    refuses(repo, ['retry', '2/x'], 64, '<phase> must be a number, such as 2, or a task id, such as T-003 (not "2/x").');
    refuses(repo, ['run', '--until', 'abc'], 64, '--until must be a number, and "abc" is not one.');
    // Left out, yargs would run as if there were no --until at all.
    refuses(repo, ['run', '--until', '--wait'], 64, '--until needs a number after it.');
    refuses(repo, ['show', '1', '--attempt='], 64, '--attempt needs a number after it.');
    expect(noState(repo)).toBe(true);
  });

  it('a switch given a value other than true or false, instead of running as if it were false', () => {
    const repo = scriptedRepo();
    refuses(repo, ['run', '--wait=maybe'], 64, '--wait is a switch: give it alone, or as --wait=true or --wait=false (not "maybe").');
    expect(noState(repo)).toBe(true);
  });

  it('with --json, a usage error is a JSON document too', () => {
    const result = cli(tempDir(), ['status', '--bogus', '--json=true']);
    expect(result.code).toBe(64);
    expect(json<{ ok: boolean; error: { reason: string; exit_code: number; message: string } }>(result)).toMatchObject({ ok: false, error: { reason: 'usage', exit_code: 64, message: 'Unknown argument: bogus' } });
    // The last word on --json counts.
    expect(cli(tempDir(), ['status', '--json', '--no-json', '--bogus']).stdout).toBe('');
  });

  it('-C naming a file', () => {
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const result = cli(tempDir(), ['-C', file, 'status']);
    expect(result.code).toBe(78);
    expect(result.stderr).toContain(`${file} is not inside a git repository`);
  });

  it('demo with a negative delay, or --dir naming a file, leaves nothing behind', () => {
    const dir = join(tempDir(), 'demo');
    const negative = cli(tempDir(), ['demo', '--dir', dir, '--delay', '-5']);
    expect(negative.code).toBe(64);
    expect(negative.stderr).toContain('--delay must be a whole number of milliseconds from 0 to 600000, not -5.');
    expect(existsSync(dir)).toBe(false);
    const file = join(tempDir(), 'a-file');
    writeFileSync(file, '');
    const onFile = cli(tempDir(), ['demo', '--dir', file]);
    expect(onFile.code).toBe(64);
    expect(onFile.stderr).toContain(`${file} is not an empty directory`);
  });
});

describe('files that cannot be read', () => {
  it('a config, a phase file or a phases directory of the wrong kind in git, or only in the checkout', () => {
    const repo = scriptedRepo();
    const config = join(repo, '.phaserunner', 'config.json');
    const phases = join(repo, '.phaserunner', 'phases');
    const saved = readFileSync(config, 'utf8');
    // Only in the checkout: the committed definitions govern; acting is refused until they agree.
    rmSync(config);
    mkdirSync(config);
    expect(cli(repo, ['status']).code).toBe(0);
    refuses(repo, ['run'], 78, 'your checkout differs from it in .phaserunner/config.json;');
    rmSync(config, { recursive: true });
    writeFileSync(config, saved);
    // In git: a phase file that is a symlink, a phases directory that is a file.
    mkdirSync(phases, { recursive: true });
    symlinkSync('nowhere.json', join(phases, 'x.json'));
    git(repo, 'add', '.phaserunner');
    git(repo, 'commit', '--quiet', '-m', 'A symlinked phase file');
    refuses(repo, ['status'], 65, 'main:.phaserunner/phases/x.json (phase definition) cannot be read: it is not a regular file in git (mode 120000)');
    refuses(repo, ['run'], 65, 'main:.phaserunner/phases/x.json (phase definition) cannot be read');
    git(repo, 'rm', '--quiet', '-r', '.phaserunner/phases');
    writeFileSync(phases, '');
    git(repo, 'add', '.phaserunner');
    git(repo, 'commit', '--quiet', '-m', 'A phases file');
    refuses(repo, ['status'], 65, 'main:.phaserunner/phases (directory) cannot be read: it is a file in git, not a directory');
    expect(noState(repo)).toBe(true);
  });
});

describe('a store written by a newer phaserunner', () => {
  it('is refused (65) by run and status alike, unchanged, and never taken for damaged', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--until', '1', '--wait']).code).toBe(0);
    writeStore(repo, 'PRAGMA user_version = 99');
    const db = join(repo, '.git', 'phaserunner', 'state.db');
    for (const verb of ['run', 'status', 'doctor']) {
      refuses(repo, [verb], 65, `the store ${db} was written by a newer phaserunner (its schema is version 99; this one knows up to`);
    }
    expect(readStore<{ user_version: number }>(repo, 'PRAGMA user_version')).toEqual([{ user_version: 99 }]);
    expect(readdirSync(join(repo, '.git', 'phaserunner')).filter((n) => n.includes('damaged'))).toEqual([]);
  });
});

describe('usage errors', () => {
  it('exit 64 with help for an unknown command or option', () => {
    const dir = tempDir();
    const unknown = cli(dir, ['frobnicate']);
    expect(unknown.code).toBe(64);
    expect(unknown.stderr).toContain('Unknown argument: frobnicate');
    const badOption = cli(dir, ['status', '--colour']);
    expect(badOption.code).toBe(64);
    rmSync(dir, { recursive: true });
  });
});
