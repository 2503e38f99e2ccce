// What a read-only verb loads at start-up (issue 6: `status` within 2x of a bare node start).
// Times are measured in `npm run bench`; here, deterministically, what must not be loaded:
// yargs (the fast path parses the command line) and zod (the validated definitions come
// from the cache). And the fast path must read a command line exactly as yargs does, and
// the cache must never answer for files that changed.
import { spawnSync } from 'node:child_process';
import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { fastArgs } from '../../src/cli/fast-path.js';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, ROOT, tempDir, writeFile } from '../helpers/git.js';
import { heldAgentRepo, runsOf, scriptedRepo, until } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';
import type { DispatchSpec } from '../../src/dispatch/spec.js';

const TRACE_HOOK = join(ROOT, 'test', 'helpers', 'module-trace.mjs');
const cacheFile = (repo: string): string => join(repo, '.git', 'phaserunner', 'definitions.cache.json');

const traceEnv = (trace: string): NodeJS.ProcessEnv => ({ NODE_OPTIONS: `--import=${TRACE_HOOK}`, PHASERUNNER_TEST_MODULE_TRACE: trace });

/**
 * better-sqlite3 and the packages it requires itself to find its native addon: what the store
 * costs. Anything else a read-only verb loads is a regression.
 */
const SQLITE = ['better-sqlite3', 'bindings', 'file-uri-to-path'];

/** The packages (node_modules/<name>) named in a module trace. */
function packagesIn(trace: string): Set<string> {
  return new Set(
    readFileSync(trace, 'utf8')
      .split('\n')
      .flatMap((url) => /\/node_modules\/((?:@[^/]+\/)?[^/]+)\//.exec(url)?.[1] ?? []),
  );
}

/** The git commands a CLI run started (git's own trace), by name. */
function gitCommands(repo: string, args: string[]): string[] {
  const trace = join(tempDir(), 'git-trace.txt');
  expect(cli(repo, args, { GIT_TRACE: trace }).code).toBe(0);
  return existsSync(trace) ? [...readFileSync(trace, 'utf8').matchAll(/trace: built-in: git (\S+)/g)].map((m) => m[1] ?? '') : [];
}

/** The packages a CLI run resolved, from a module trace. */
function packagesLoaded(repo: string, args: string[]): { code: number | null; packages: Set<string> } {
  const trace = join(tempDir(), 'modules.txt');
  writeFileSync(trace, '');
  const result = cli(repo, args, traceEnv(trace));
  return { code: result.code, packages: packagesIn(trace) };
}

describe('start-up of the read-only verbs', () => {
  it('status and log load only better-sqlite3 (with what it requires) once the definitions are cached; audit skips yargs; anything else gets yargs', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    expect(existsSync(cacheFile(repo))).toBe(true);

    const status = packagesLoaded(repo, ['status', '--json']);
    expect(status.code).toBe(0);
    expect([...status.packages].sort()).toEqual(SQLITE);
    const log = packagesLoaded(repo, ['log', '-C', repo]);
    expect(log.code).toBe(0);
    expect([...log.packages].sort()).toEqual(SQLITE);
    // audit re-runs the gates' JSON checks against history, and those validate with zod.
    const audit = packagesLoaded(repo, ['audit', '-C', repo]);
    expect(audit.code).toBe(0);
    expect([...audit.packages].sort()).toEqual([...SQLITE, 'zod']);
    // A verb's own option (or anything else) is yargs' to read.
    expect(packagesLoaded(repo, ['audit', '--ref', 'main']).packages.has('yargs')).toBe(true);
  });

  it('status while a phase runs (it then looks at the runner lock) still loads only better-sqlite3; status --watch is yargs\' to read', async () => {
    const { repo, release } = heldAgentRepo();
    try {
      expect(cli(repo, ['run']).code).toBe(0);
      const status = packagesLoaded(repo, ['status']);
      expect(status.code).toBe(0);
      expect([...status.packages].sort()).toEqual(SQLITE);
      expect(fastArgs(['status', '--watch'])).toBeUndefined();
    } finally {
      release();
    }
    // The agent is released: let the next test start from a quiet machine.
    await until(() => existsSync(join(runsOf(repo)[0]?.run_dir ?? '', 'exit.json')), 15_000, 'the agent to finish');
  });

  it('starts the dispatch wrapper (once per phase) without loading any package', () => {
    const runDir = tempDir();
    const spec: DispatchSpec = { run_id: '01X', argv: ['sh', '-c', 'echo done'], cwd: runDir, env: {}, stdin_file: null, timeout_ms: 10_000, kill_grace_ms: 100 };
    writeFileSync(join(runDir, 'dispatch.json'), JSON.stringify(spec));
    const trace = join(tempDir(), 'modules.txt');
    writeFileSync(trace, '');
    const result = spawnSync(process.execPath, [join(ROOT, 'dist', 'dispatch', 'wrapper.js'), runDir], { env: { ...process.env, ...traceEnv(trace) }, encoding: 'utf8' });
    expect(result.status).toBe(0);
    expect(JSON.parse(readFileSync(join(runDir, 'exit.json'), 'utf8'))).toMatchObject({ exit_code: 0 });
    expect(readFileSync(join(runDir, 'stdout.log'), 'utf8')).toBe('done\n');
    expect([...packagesIn(trace)]).toEqual([]);
  });

  it('gives the same output and exit code through the fast path as through yargs', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '2']).code).toBe(0);
    const elsewhere = tempDir();
    // `--json=true` and `--cwd=<dir> --no-json=false`-like spellings are not the fast path's: yargs reads them.
    const pairs: [string[], string[]][] = [
      [['status', '--json'], ['status', '--json=true']],
      [['status'], ['status', '--json=false']],
      [['log', '--json'], ['log', '--json=true']],
      [['audit', '--json'], ['audit', '--json=true']],
      [['audit'], ['audit', '--json=false']],
    ];
    for (const [fast, slow] of pairs) {
      const a = cli(elsewhere, [...fast, '-C', repo]);
      const b = cli(elsewhere, [...slow, '-C', repo]);
      expect({ args: fast, code: a.code, stdout: a.stdout, stderr: a.stderr }).toEqual({ args: fast, code: b.code, stdout: b.stdout, stderr: b.stderr });
    }
    // Errors too: not a repository.
    const a = cli(elsewhere, ['status', '--json']);
    const b = cli(elsewhere, ['status', '--json=true']);
    expect(a.code).toBe(78);
    expect({ code: a.code, stdout: a.stdout, stderr: a.stderr }).toEqual({ code: b.code, stdout: b.stdout, stderr: b.stderr });
  });

  it('reads a command line as yargs does, and leaves anything unusual to yargs', () => {
    expect(fastArgs(['status'])).toEqual({ verb: 'status', json: false, cwd: process.cwd() });
    expect(fastArgs(['--json', 'audit', '-C', 'x'])).toEqual({ verb: 'audit', json: true, cwd: 'x' });
    expect(fastArgs(['log', '--cwd=y', '--no-json'])).toEqual({ verb: 'log', json: false, cwd: 'y' });
    for (const argv of [
      [],
      ['run'],
      ['status', '--help'],
      ['status', '-h'],
      ['--version'],
      ['status', 'extra'],
      ['status', 'status'],
      ['status', '--json', '--json'],
      ['status', '--json', '--no-json'],
      ['status', '-C'],
      ['status', '-C', '--json'],
      ['status', '-C', 'a', '-C', 'b'],
      ['status', '--cwd='],
      ['audit', '--ref', 'main'],
      ['status', '--'],
      ['constructor'],
      ['toString'],
    ]) {
      expect({ argv, parsed: fastArgs(argv) }).toEqual({ argv, parsed: undefined });
    }
  });
});

describe('the cache of validated definitions', () => {
  it('never answers for a committed config or phase file that changed, nor from a damaged cache', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    expect(cli(repo, ['status']).code).toBe(0);

    // A config broken (and committed) after the cache was written is reported, by file and field.
    const config = readFileSync(join(repo, '.phaserunner', 'config.json'), 'utf8');
    commitFile(repo, '.phaserunner/config.json', config.replace('"version": 1', '"version": 2'));
    const broken = cli(repo, ['status']);
    expect(broken.code).toBe(65);
    expect(broken.stderr).toContain('main:.phaserunner/config.json');
    expect(broken.stderr).toContain('version');
    commitFile(repo, '.phaserunner/config.json', config);
    expect(cli(repo, ['status']).code).toBe(0);

    // So is a phase override added after it.
    commitFile(repo, '.phaserunner/phases/5-extra.json', JSON.stringify({ id: 5, name: 'extra', title: 'Extra', role: 'planner', reads: [], outputs: ['x.md'], prompt: 'Use {{intnet}}.', gate: { checks: [] } }));
    const override = cli(repo, ['status']);
    expect(override.code).toBe(65);
    expect(override.stderr).toContain('main:.phaserunner/phases/5-extra.json');
    expect(override.stderr).toContain('unknown placeholder');

    // What the checkout holds but main does not is not what governs: status shows main's.
    writeFile(repo, '.phaserunner/phases/5-extra.json', '{ "id": 5, "name": "extra", "title": "Extra", "role": "planner", "reads": [], "outputs": ["x.md"], "prompt": "Write x.md.", "gate": { "checks": [] } }');
    expect(cli(repo, ['status']).code).toBe(65);
    git(repo, 'commit', '--quiet', '-am', 'Fix the placeholder');

    // A damaged cache file is only a miss.
    writeFileSync(cacheFile(repo), '{"key": "truncated');
    const status = cli(repo, ['status', '--json']);
    expect(status.code).toBe(0);
    expect(json<StatusView>(status).phases.map((p) => p.phase)).toEqual([1, 2, 3, 4, 5]);
    expect(JSON.parse(readFileSync(cacheFile(repo), 'utf8'))).toHaveProperty('key');
  });

  it('lists the definitions again only once the base branch moved, loose or packed, and never answers for a commit that is not its tip', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    expect(cli(repo, ['status']).code).toBe(0);
    // The base has not moved since: git only finds the repository; the branch's own file says where it is.
    expect(gitCommands(repo, ['status'])).toEqual(['rev-parse']);
    // It moves, its definitions do not: looked up and listed again, once, then remembered.
    commitFile(repo, 'notes.md', 'notes\n');
    expect(gitCommands(repo, ['status'])).toEqual(['rev-parse', 'for-each-ref', 'ls-tree']);
    expect(gitCommands(repo, ['status'])).toEqual(['rev-parse']);
    expect(JSON.parse(readFileSync(cacheFile(repo), 'utf8'))).toMatchObject({ at: { ref: 'refs/heads/main', commit: git(repo, 'rev-parse', 'main') } });
    // Packed, the branch has no file: git is asked where it is, and the listing is kept.
    git(repo, 'pack-refs', '--all');
    expect(gitCommands(repo, ['status'])).toEqual(['rev-parse', 'for-each-ref']);
    // A broken config committed, then packed: reported, by file and field.
    const config = readFileSync(join(repo, '.phaserunner', 'config.json'), 'utf8');
    commitFile(repo, '.phaserunner/config.json', config.replace('"version": 1', '"version": 2'));
    git(repo, 'pack-refs', '--all');
    const broken = cli(repo, ['status']);
    expect(broken.code).toBe(65);
    expect(broken.stderr).toContain('main:.phaserunner/config.json');
    // The branch moved back by hand to the commit the cache listed: its file says so, and the cache answers.
    git(repo, 'update-ref', 'refs/heads/main', 'HEAD~1');
    expect(gitCommands(repo, ['status'])).toEqual(['rev-parse']);
  });

  it('is not created by a read-only verb before the first run', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['status']).code).toBe(0);
    expect(existsSync(join(repo, '.git', 'phaserunner'))).toBe(false);
  });
});
