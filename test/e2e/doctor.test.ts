// `phaserunner doctor`: git, node, each configured agent (found, version), the store and the
// repository's state, each check with a fix when it is not ok, and the exit code of the first
// failing check. Agent CLIs are fake shell scripts on a PATH made for the test.
import { execFileSync } from 'node:child_process';
import { readFileSync, realpathSync, rmSync, symlinkSync, writeFileSync, mkdirSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { worktreesDir } from '../../src/paths.js';
import { cli, json } from '../helpers/cli.js';
import { fakeBin, printsVersion } from '../helpers/fake-bin.js';
import { commitFile, git, repoWithIntent, scriptedConfig, tempDir, userState, writeConfig } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';

interface Check {
  name: string;
  ok: boolean;
  level: 'ok' | 'warn' | 'fail';
  message: string;
  fix: string | null;
  repaired: string | null;
  details: Record<string, unknown>;
}
interface Report {
  ok: boolean;
  checks: Check[];
}

const CLAUDE_FIX = 'Install Claude Code: `npm install -g @anthropic-ai/claude-code`; or, if it is installed elsewhere, set "command" of agent "claude" in .phaserunner/config.json to its path.';

function doctorJson(repo: string, env: NodeJS.ProcessEnv = {}): { code: number | null; report: Report } {
  const result = cli(repo, ['doctor', '--json'], env);
  return { code: result.code, report: json<Report>(result) };
}

function check(report: Report, name: string, agent?: string): Check {
  const found = report.checks.find((c) => c.name === name && (agent === undefined || c.details['agent'] === agent));
  if (found === undefined) throw new Error(`no ${name} check in ${JSON.stringify(report)}`);
  return found;
}

/** A repository whose active agent is Claude Code (the default program, `claude`). */
function claudeRepo(agents: Record<string, unknown> = {}): string {
  const repo = repoWithIntent();
  writeConfig(repo, { ...scriptedConfig(), agent: 'claude', agents: { claude: { type: 'claude' }, ...agents } });
  return repo;
}

/** Replaces the repository's store with a file that is not a database; returns its path. */
function damageStore(repo: string): string {
  const dir = join(realpathSync(repo), '.git', 'phaserunner');
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'state.db'), 'this is not a database\n');
  return join(dir, 'state.db');
}

const CHECKS = ['git', 'node', 'containment', 'repository', 'base', 'definitions', 'agent', 'store', 'checkout', 'worktrees', 'lock', 'stragglers', 'signing'];

/** The python3 executable itself (not a version manager's shim, which needs more than PATH holds in these tests). */
const realPython = (): string => execFileSync('python3', ['-c', 'import sys; print(sys.executable)'], { encoding: 'utf8' }).trim();

const realGitVersion = (): string => /(\d+\.\d+(?:\.\d+)?)/.exec(git(tempDir(), 'version'))?.[1] ?? '';
const requiredNode = (): string => /\d+(?:\.\d+)*/.exec((JSON.parse(readFileSync(join(import.meta.dirname, '..', '..', 'package.json'), 'utf8')) as { engines: { node: string } }).engines.node)?.[0] ?? '';

describe('doctor', () => {
  it('reports git, node and the active agent with their versions, every check in order', () => {
    const repo = claudeRepo();
    const bin = fakeBin({ claude: printsVersion('2.1.328 (Claude Code)') });
    symlinkSync(realPython(), join(bin, 'python3'));
    const { code, report } = doctorJson(repo, { PATH: bin });
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.map((c) => c.name)).toEqual(CHECKS);
    expect(check(report, 'containment')).toMatchObject({ ok: true, level: 'ok', details: { subreaper: true, python: join(bin, 'python3'), error: null } });
    expect(check(report, 'stragglers')).toMatchObject({ ok: true, level: 'ok', details: { processes: [] } });
    expect(check(report, 'definitions')).toMatchObject({ ok: true, level: 'ok', details: { base: 'main', problem: null, files: [] } });
    expect(check(report, 'definitions').message).toMatch(/^committed on main at [0-9a-f]{12}: agent claude, phases 1, 2, 3, 4, the checkout agrees$/);
    const version = realGitVersion();
    expect(check(report, 'git')).toEqual({
      name: 'git',
      ok: true,
      level: 'ok',
      message: `git ${version} (${join(bin, 'git')}), at least 2.38.0`,
      fix: null,
      repaired: null,
      details: { version, required: '2.38.0', path: join(bin, 'git') },
    });
    expect(check(report, 'node')).toMatchObject({ ok: true, level: 'ok', message: `node ${process.version}, at least ${requiredNode()}`, details: { version: process.version, required: requiredNode() } });
    expect(check(report, 'agent')).toEqual({
      name: 'agent',
      ok: true,
      level: 'ok',
      message: `claude 2.1.328 (${join(bin, 'claude')})`,
      fix: null,
      repaired: null,
      details: { agent: 'claude', type: 'claude', active: true, program: 'claude', path: join(bin, 'claude'), version: '2.1.328', version_error: null },
    });
    expect(report.checks.every((c) => c.level === 'ok' && c.fix === null)).toBe(true);

    const human = cli(repo, ['doctor'], { PATH: bin });
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')).toContain(`✓ agent claude (active): claude 2.1.328 (${join(bin, 'claude')})`);
    expect(human.stdout.split('\n')).toContain(`✓ git: git ${version} (${join(bin, 'git')}), at least 2.38.0`);
    expect(human.stderr).toBe('');
  });

  it('warns that agents are contained less without python3 on PATH, and a run still works through the fallback', () => {
    const repo = scriptedRepo();
    const bin = fakeBin();
    const { code, report } = doctorJson(repo, { PATH: bin });
    expect(code).toBe(0);
    expect(check(report, 'containment')).toMatchObject({ ok: true, level: 'warn', details: { subreaper: false, python: null, error: 'python3 is not on PATH' } });
    const human = cli(repo, ['doctor'], { PATH: bin });
    expect(human.stdout).toContain(
      "! containment: python3 is not on PATH, so the dispatch wrapper falls back on killing the agent's process group: a process the agent moves out of it (a setsid daemon, a double fork) outlives the attempt unless it keeps the run id in its environment",
    );
    expect(human.stdout).toContain('  fix: Install python3 (`apt install python3`, `dnf install python3`, ...); phaserunner uses it to make the dispatch wrapper a child subreaper.');
    const run = cli(repo, ['run', '--wait', '--until', '1'], { PATH: bin });
    expect(run.code, run.stderr).toBe(0);
    expect(readFileSync(join(runsOf(repo)[0]?.run_dir ?? '', 'wrapper.log'), 'utf8')).toContain("containment: the agent's process group only");
  });

  it('fails with exit 69 and the install command when the active agent is missing, changing nothing', () => {
    const repo = claudeRepo();
    const bin = fakeBin();
    const before = userState(repo);
    const { code, report } = doctorJson(repo, { PATH: bin });
    expect(code).toBe(69);
    expect(report.ok).toBe(false);
    expect(check(report, 'agent')).toEqual({
      name: 'agent',
      ok: false,
      level: 'fail',
      message: 'claude was not found on PATH (no phase can run)',
      fix: CLAUDE_FIX,
      repaired: null,
      details: { agent: 'claude', type: 'claude', active: true, program: 'claude', path: null, version: null, version_error: null },
    });
    // The other checks still ran.
    expect(check(report, 'store').ok).toBe(true);

    const human = cli(repo, ['doctor'], { PATH: bin });
    expect(human.code).toBe(69);
    const lines = human.stdout.split('\n');
    const at = lines.indexOf('✗ agent claude (active): claude was not found on PATH (no phase can run)');
    expect(at).toBeGreaterThan(-1);
    expect(lines[at + 1]).toBe(`  fix: ${CLAUDE_FIX}`);
    expect(human.stderr.trim().split('\n').at(-1)).toBe(`Next: ${CLAUDE_FIX}`);
    expect(userState(repo)).toEqual(before);
  });

  it('only warns about an agent that is not the active one, and reports a version it could not get without failing', () => {
    const repo = repoWithIntent();
    // A command agent's program is the user's: doctor must not run it (it might start work).
    commitFile(repo, 'tools/agent.sh', '#!/bin/sh\ntouch ran-the-agent\n');
    git(repo, 'update-index', '--chmod=+x', 'tools/agent.sh');
    git(repo, 'checkout', '--', 'tools/agent.sh');
    writeConfig(repo, {
      ...scriptedConfig(),
      agents: {
        scripted: { type: 'scripted' },
        claude: { type: 'claude', command: 'claude-nightly' },
        broken: { type: 'claude', command: 'broken-claude' },
        mine: { type: 'command', argv: ['./tools/agent.sh', '{prompt_file}'] },
        codex: { type: 'codex' },
        gemini: { type: 'gemini' },
        aider: { type: 'aider' },
      },
    });
    const bin = fakeBin({ 'broken-claude': 'echo "no config" >&2\nexit 3' });
    const { code, report } = doctorJson(repo, { PATH: bin });
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(report.checks.filter((c) => c.name === 'agent').map((c) => [c.details['agent'], c.level])).toEqual([
      ['scripted', 'ok'],
      ['claude', 'warn'],
      ['broken', 'ok'],
      ['mine', 'ok'],
      ['codex', 'warn'],
      ['gemini', 'warn'],
      ['aider', 'warn'],
    ]);
    expect(check(report, 'agent', 'codex').fix).toBe('Install Codex CLI: `npm install -g @openai/codex`; or, if it is installed elsewhere, set "command" of agent "codex" in .phaserunner/config.json to its path.');
    expect(check(report, 'agent', 'gemini').fix).toBe('Install Gemini CLI: `npm install -g @google/gemini-cli`; or, if it is installed elsewhere, set "command" of agent "gemini" in .phaserunner/config.json to its path.');
    expect(check(report, 'agent', 'aider').fix).toBe(
      'Install Aider: `python -m pip install aider-install && aider-install` or `pipx install aider-chat`; or, if it is installed elsewhere, set "command" of agent "aider" in .phaserunner/config.json to its path.',
    );
    expect(check(report, 'agent', 'scripted')).toMatchObject({ message: 'the built-in scripted agent (deterministic demo plans)', details: { active: true, type: 'scripted', program: null } });
    expect(check(report, 'agent', 'claude')).toEqual({
      name: 'agent',
      ok: true,
      level: 'warn',
      message: 'claude-nightly was not found on PATH (it is not the active agent, so runs are not affected)',
      fix: 'Install Claude Code: `npm install -g @anthropic-ai/claude-code`; or, if it is installed elsewhere, set "command" of agent "claude" in .phaserunner/config.json to its path.',
      repaired: null,
      details: { agent: 'claude', type: 'claude', active: false, program: 'claude-nightly', path: null, version: null, version_error: null },
    });
    expect(check(report, 'agent', 'broken')).toMatchObject({
      ok: true,
      fix: null,
      message: `${join(bin, 'broken-claude')}, version unknown: \`--version\` exited 3: no config`,
      details: { path: join(bin, 'broken-claude'), version: null, version_error: '`--version` exited 3: no config' },
    });
    const root = realpathSync(repo);
    expect(check(report, 'agent', 'mine')).toMatchObject({ level: 'ok', details: { type: 'command', program: './tools/agent.sh', path: join(root, 'tools', 'agent.sh'), version: null } });
    // Run, it would have left ran-the-agent in the checkout.
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');

    const human = cli(repo, ['doctor'], { PATH: bin });
    expect(human.code).toBe(0);
    expect(human.stdout.split('\n')).toContain('! agent claude: claude-nightly was not found on PATH (it is not the active agent, so runs are not affected)');
    expect(human.stderr).toBe('');
  });

  it('stops at a git that is too old (69), with how to upgrade', () => {
    const repo = scriptedRepo();
    const bin = fakeBin({ git: 'echo "git version 2.30.1"' }, { git: false });
    const { code, report } = doctorJson(repo, { PATH: bin });
    expect(code).toBe(69);
    expect(report.checks.map((c) => [c.name, c.level])).toEqual([
      ['git', 'fail'],
      ['node', 'ok'],
    ]);
    expect(check(report, 'git')).toMatchObject({
      message: `git 2.30.1 (${join(bin, 'git')}) is older than 2.38.0, which phaserunner needs (for \`git merge-tree --write-tree\`); the other checks need it, so they were skipped`,
      fix: 'Upgrade git to 2.38.0 or newer from your package manager (`apt install git`, `brew install git`, ...) or https://git-scm.com/downloads.',
      details: { version: '2.30.1', required: '2.38.0', path: join(bin, 'git') },
    });
    const human = cli(repo, ['doctor'], { PATH: bin });
    expect(human.code).toBe(69);
    expect(human.stderr.trim().split('\n').at(-1)).toBe('Next: Upgrade git to 2.38.0 or newer from your package manager (`apt install git`, `brew install git`, ...) or https://git-scm.com/downloads.');
  });

  it('fails (78) on a base branch that does not exist', () => {
    const repo = repoWithIntent();
    writeConfig(repo, scriptedConfig({ base: 'develop' }));
    const { code, report } = doctorJson(repo);
    expect(code).toBe(78);
    expect(check(report, 'base')).toMatchObject({
      ok: false,
      level: 'fail',
      message: 'the base branch develop does not exist in this repository, so no phase can start or merge',
      fix: 'Create it (`git branch develop <commit>`), or set "base" in .phaserunner/config.json to an existing branch (`git branch` lists them).',
    });
    expect(report.checks.some((c) => c.name === 'checkout')).toBe(false);
  });

  it('repairs a damaged store although the active agent is missing: the repair starts no agent', () => {
    const repo = claudeRepo();
    const db = damageStore(repo);
    const result = cli(repo, ['doctor', '--repair', '--json'], { PATH: fakeBin() });
    const report = json<Report>(result);
    // Still 69, for the agent; the store was repaired all the same.
    expect(result.code).toBe(69);
    expect(check(report, 'agent', 'claude').level).toBe('fail');
    expect(check(report, 'store')).toMatchObject({ ok: true, level: 'ok', message: `the store ${db} was damaged (file is not a database)` });
    expect(check(report, 'store').repaired).toMatch(/^moved the damaged store to .*state\.db\.damaged-.* and rebuilt it from git history$/);
  });

  it('does not repair a damaged store while the base branch it is rebuilt from is missing, and says to fix that first', () => {
    const repo = repoWithIntent();
    writeConfig(repo, scriptedConfig({ base: 'develop' }));
    const db = damageStore(repo);
    const result = cli(repo, ['doctor', '--repair', '--json']);
    const report = json<Report>(result);
    expect(result.code).toBe(78);
    expect(check(report, 'store')).toMatchObject({
      ok: false,
      repaired: null,
      fix: 'First fix the base check above; then run `phaserunner doctor --repair`: it moves what is damaged aside (nothing is deleted) and rebuilds it from git.',
    });
    expect(readFileSync(db, 'utf8')).toBe('this is not a database\n');
  });

  it('warns about phase worktrees whose directory is gone, with the prune command', () => {
    const repo = scriptedRepo();
    const root = git(repo, 'rev-parse', '--show-toplevel');
    const env = { PHASERUNNER_WORKTREES_DIR: tempDir('phaserunner-worktrees-') };
    const dir = worktreesDir(realpathSync(join(repo, '.git')), env);
    const gone = join(dir, 'planning-1-architecture-baseline');
    mkdirSync(dir, { recursive: true });
    git(repo, 'worktree', 'add', '--quiet', '-b', 'phaserunner/planning/1-architecture-baseline', gone);
    expect(check(doctorJson(repo, env).report, 'worktrees')).toMatchObject({ level: 'ok', message: `1 phase worktree, each present (${dir})` });
    rmSync(gone, { recursive: true });

    const { code, report } = doctorJson(repo, env);
    expect(code).toBe(0);
    expect(report.ok).toBe(true);
    expect(check(report, 'worktrees')).toEqual({
      name: 'worktrees',
      ok: true,
      level: 'warn',
      message: `git still lists 1 phase worktree whose directory is gone: ${gone}`,
      fix: `Run \`git -C ${root} worktree prune\` (it forgets only worktrees whose directory is gone).`,
      repaired: null,
      details: { dir, stale: [gone] },
    });
    git(repo, 'worktree', 'prune');
    expect(check(doctorJson(repo, env).report, 'worktrees')).toMatchObject({ level: 'ok', message: `no phase worktrees (${dir})`, details: { stale: [] } });
  });

  it('warns while the checkout that has the base branch is in the middle of a merge', () => {
    const repo = scriptedRepo();
    const root = git(repo, 'rev-parse', '--show-toplevel');
    git(repo, 'switch', '--quiet', '-c', 'side');
    commitFile(repo, 'README.md', 'side\n');
    git(repo, 'switch', '--quiet', 'main');
    commitFile(repo, 'README.md', 'main\n');
    expect(() => git(repo, 'merge', '--quiet', 'side')).toThrow();
    const before = userState(repo);
    const { code, report } = doctorJson(repo);
    expect(code).toBe(0);
    expect(check(report, 'checkout')).toEqual({
      name: 'checkout',
      ok: true,
      level: 'warn',
      message: `${root} (which has main) is in the middle of a merge; git refuses to bring it up to a phase merge until it ends, so merges into main wait`,
      fix: `End the merge: \`git -C ${root} merge --continue\` once the conflicts are resolved, or \`git -C ${root} merge --abort\`.`,
      repaired: null,
      details: { branch: 'main', path: root, operation: 'merge' },
    });
    expect(userState(repo)).toEqual(before);
    git(repo, 'merge', '--abort');
    expect(check(doctorJson(repo).report, 'checkout')).toMatchObject({ level: 'ok', message: `${root} has main, with no merge, cherry-pick or rebase under way`, details: { operation: null } });
  });

  it('tells a lock left by a dead runner from one held on another machine', () => {
    const repo = scriptedRepo();
    mkdirSync(join(repo, '.git', 'phaserunner'));
    const lock = join(repo, '.git', 'phaserunner', 'runner.lock');
    const since = '2026-01-01T00:00:00.000Z';
    // Above the largest pid Linux hands out: no process has it.
    const dead = 2 ** 22 + 12345;
    writeFileSync(lock, JSON.stringify({ pid: dead, host: hostname(), since }));
    expect(check(doctorJson(repo).report, 'lock')).toEqual({
      name: 'lock',
      ok: true,
      level: 'warn',
      message: `the lock is left by a runner that is gone (pid ${dead} on ${hostname()}, since ${since})`,
      fix: `Nothing is needed: the next phaserunner command takes it over. To clear it now: \`rm ${lock}\`.`,
      repaired: null,
      details: { file: lock, pid: dead, host: hostname(), since, alive: false },
    });
    writeFileSync(lock, JSON.stringify({ pid: 4242, host: 'elsewhere.invalid', since }));
    expect(check(doctorJson(repo).report, 'lock')).toMatchObject({
      level: 'warn',
      message: `the lock is held by a runner on another machine (pid 4242 on elsewhere.invalid, since ${since}); whether it still runs cannot be told from here`,
      fix: `If that runner is gone, delete the lock: \`rm ${lock}\`. Otherwise wait for it to finish.`,
      details: { alive: null },
    });
    writeFileSync(lock, JSON.stringify({ pid: process.pid, host: hostname(), since }));
    expect(check(doctorJson(repo).report, 'lock')).toMatchObject({ level: 'ok', fix: null, details: { pid: process.pid, alive: true } });
  });

  it('outside a repository, checks git, node, containment and the agent CLIs on PATH, and says why it stopped there (78)', () => {
    const dir = tempDir();
    const bin = fakeBin({ codex: printsVersion('codex-cli 0.169.0') });
    const { code, report } = doctorJson(dir, { PATH: bin });
    expect(code).toBe(78);
    expect(report.checks.map((c) => [c.name, c.level])).toEqual([
      ['git', 'ok'],
      ['node', 'ok'],
      ['containment', 'warn'], // no python3 on this PATH
      ['agent', 'ok'],
      ['repository', 'fail'],
    ]);
    expect(check(report, 'agent').details).toMatchObject({ agent: 'codex', active: false, version: '0.169.0', path: join(bin, 'codex') });
    const human = cli(dir, ['doctor'], { PATH: fakeBin() });
    expect(human.code).toBe(78);
    expect(human.stdout).toContain('! agent scripted: no agent CLI (claude, codex, gemini, aider) is on PATH; only the built-in scripted agent can run');
    expect(human.stdout).toContain(`✗ repository: ${dir} is not inside a git repository with a working tree; only git, node, process containment and the agent CLIs on PATH were checked`);
    expect(human.stderr.trim().split('\n').at(-1)).toBe("Next: Run `phaserunner doctor` inside your project's checkout (or make one: `git init`, then a first commit).");
  });

  it('in a repository not set up, fails the definitions check (78) and still runs the others', () => {
    const { code, report } = doctorJson(repoWithIntent());
    expect(code).toBe(78);
    expect(report.checks.map((c) => c.name)).toEqual(CHECKS);
    expect(check(report, 'definitions')).toMatchObject({ level: 'fail', fix: 'Run `phaserunner init`, then commit .phaserunner/ and INTENT.md.', details: { problem: 'not-initialized' } });
  });

  it('reports a malformed committed config as a failed check (65) with its file and field, and goes on', () => {
    const repo = scriptedRepo();
    commitFile(repo, '.phaserunner/config.json', JSON.stringify({ ...scriptedConfig(), max_attempts: 0 }));
    const { code, report } = doctorJson(repo);
    expect(code).toBe(65);
    expect(check(report, 'definitions')).toMatchObject({ level: 'fail', details: { problem: 'invalid' } });
    expect(check(report, 'definitions').message).toContain('main:.phaserunner/config.json: max_attempts:');
    expect(report.checks.map((c) => c.name)).toContain('lock');
  });

  it('reports a config broken in the checkout only as uncommitted (78), with the commit that fixes it', () => {
    const repo = scriptedRepo();
    writeFileSync(join(repo, '.phaserunner', 'config.json'), '{ not json');
    const { code, report } = doctorJson(repo);
    expect(code).toBe(78);
    expect(check(report, 'definitions')).toMatchObject({
      level: 'fail',
      fix: 'Commit them: `git add -- .phaserunner/config.json && git commit -m "Update the phaserunner setup"` (or undo them with `git restore --source=main -- .phaserunner/config.json`).',
      details: { base: 'main', problem: 'uncommitted', files: ['.phaserunner/config.json'] },
    });
    // The committed definitions still name the agents.
    expect(check(report, 'agent')).toMatchObject({ level: 'ok', details: { agent: 'scripted', active: true } });
  });
});
