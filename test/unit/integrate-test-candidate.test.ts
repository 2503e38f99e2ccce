// testCandidate (src/integrate/test-candidate.ts) with real git and real processes: the checks
// run in a detached checkout of exactly the candidate, in order, stopping at the first red
// one; the checkout (and anything a check left running) is gone afterwards, whatever happened;
// the runner's event loop keeps turning meanwhile; a test runner that ran no tests is red.
import { spawn } from 'node:child_process';
import { existsSync, mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { prepareCandidate } from '../../src/integrate/candidate.js';
import { addDetachedWorktree } from '../../src/git/worktree.js';
import { removeCheckout, removeStaleCandidates } from '../../src/integrate/checkout.js';
import type { CandidateCheck } from '../../src/integrate/checks.js';
import { INTEGRATION_ENV, markedProcesses, stopMarked } from '../../src/integrate/marked-processes.js';
import { startTicksOf } from '../../src/util/procfs.js';
import { testCandidate, type CandidateProgress } from '../../src/integrate/test-candidate.js';
import { testEnv } from '../helpers/env.js';
import { git, tempDir, userState } from '../helpers/git.js';
import { IDENTITY, TRAILERS, taskRepo, useTestGitConfig } from '../helpers/integrate.js';

beforeAll(useTestGitConfig);

/** A repository with a candidate merge of a task adding `files`, and a directory for integration checkouts. */
async function candidateRepo(files: Record<string, string> = { 'src/sum.js': 'export const sum = (a, b) => a + b;\n' }) {
  const { repo } = taskRepo(files);
  const prepared = await prepareCandidate({ repo, base: 'main', taskCommit: git(repo, 'rev-parse', 'phaserunner/execution/T-001'), subject: 's', trailers: TRAILERS, identity: IDENTITY });
  if (prepared.kind !== 'candidate') throw new Error(`expected a candidate, got ${prepared.kind}`);
  const root = join(tempDir(), 'integration');
  return { repo, commit: prepared.commit, root, dir: join(root, 'T-001') };
}

const sh = (label: string, script: string, timeout_seconds = 60): CandidateCheck => ({ label, argv: ['sh', '-c', script], timeout_seconds });

/** Nothing is left of an integration checkout: no directory, no worktree git knows, no marked process. */
function expectGone(repo: string, root: string): void {
  expect(existsSync(root) ? readdirSync(root) : []).toEqual([]);
  expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
  expect(markedProcesses((checkout) => checkout.startsWith(root))).toEqual([]);
}

describe('testCandidate', () => {
  it('runs the checks in a detached checkout whose HEAD is exactly the candidate, then removes it', async () => {
    const { repo, commit, root, dir } = await candidateRepo();
    const before = userState(repo);
    const progress: CandidateProgress[] = [];

    const result = await testCandidate({
      repo,
      commit,
      dir,
      // GIT_DIR pointing elsewhere (a runner started from a hook) must not reach the checks' git.
      env: { ...testEnv(), GIT_DIR: join(repo, '.git') },
      checks: [
        sh('where', 'git rev-parse HEAD; git symbolic-ref -q HEAD || echo detached; git status --porcelain; ls src'),
        { label: 'again', argv: ['sh', '-c', 'test "$(git rev-parse HEAD)" = "$1"', 'sh', commit], timeout_seconds: 60 },
      ],
      onProgress: (p) => progress.push(p),
    });

    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.results.map((r) => r.label)).toEqual(['where', 'again']);
    // HEAD is the candidate, detached, the checkout clean and complete.
    expect(result.results[0]?.outputTail).toBe(`${commit}\ndetached\nsum.js\n`);
    expect(progress.map((p) => p.kind)).toEqual(['checkout', 'check-started', 'check-finished', 'check-started', 'check-finished']);
    expectGone(repo, root);
    expect(userState(repo)).toEqual(before);
  });

  it('stops at the first red check and names it, with the end of its output', async () => {
    const { repo, commit, root, dir } = await candidateRepo();
    const marker = join(tempDir(), 'third-ran');

    const result = await testCandidate({
      repo,
      commit,
      dir,
      checks: [sh('T-001 check 1', 'echo fine'), sh('integration: unit tests', 'echo compiling; echo "boom: 2 tests failed" >&2; exit 3'), sh('integration: lint', `touch '${marker}'`)],
    });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failed.label).toBe('integration: unit tests');
    expect(result.failed.argv).toEqual(['sh', '-c', 'echo compiling; echo "boom: 2 tests failed" >&2; exit 3']);
    expect(result.failed.message).toMatch(/^integration: unit tests: `sh -c .*` exited 3: compiling \| boom: 2 tests failed$/);
    expect(result.failed.outputTail).toContain('boom: 2 tests failed');
    expect(result.results.map((r) => [r.label, r.ok])).toEqual([
      ['T-001 check 1', true],
      ['integration: unit tests', false],
    ]);
    expect(existsSync(marker)).toBe(false);
    expectGone(repo, root);
  });

  it('a check whose program does not exist is red, and says it could not start', async () => {
    const { repo, commit, root, dir } = await candidateRepo();

    const result = await testCandidate({ repo, commit, dir, checks: [{ label: 'typo', argv: ['no-such-test-runner-here', 'run'], timeout_seconds: 60 }] });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failed.message).toMatch(/^typo: `no-such-test-runner-here run` could not start: .*ENOENT/);
    expectGone(repo, root);
  });

  it('kills a check at its timeout, and what it left running, and still removes the checkout', async () => {
    const { repo, commit, root, dir } = await candidateRepo();
    // A daemon in a session of its own (out of the check's process group), and a check that hangs.
    const result = await testCandidate({ repo, commit, dir, checks: [sh('hangs', 'setsid sleep 300 & sleep 300', 1)] });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.failed.label).toBe('hangs');
    expect(result.failed.message).toBe("hangs: `sh -c setsid sleep 300 & sleep 300` did not finish within 1s and was killed.");
    expectGone(repo, root);
  });

  it('a check is over when it exits, even if something it left running holds its output open; that is stopped', async () => {
    const { repo, commit, root, dir } = await candidateRepo();

    // The server inherits the check's stdout and stderr, in a session of its own.
    const result = await testCandidate({ repo, commit, dir, checks: [sh('leaves a server', 'setsid sleep 300 & echo started', 120)] });

    expect(result.ok, JSON.stringify(result)).toBe(true);
    expect(result.results[0]?.outputTail).toBe('started\n');
    expectGone(repo, root);
  });

  it('a check that exits 0 with node --test over no tests is red, and says so', async () => {
    const { repo, commit, dir } = await candidateRepo({ 'test/sum.test.mjs': '// the tests are still to be written\n' });

    const result = await testCandidate({ repo, commit, dir, checks: [{ label: 'T-001 check 1', argv: [process.execPath, '--test', 'test/'], timeout_seconds: 120 }] });

    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.results[0]?.exitCode).toBe(0);
    expect(result.results[0]?.noTests).toMatch(/node --test found no test/);
    expect(result.failed.message).toMatch(/^T-001 check 1: `.* --test test\/` exited 0 but ran no tests: node --test found no test/);
  });

  it('a node --test check with a test is green', async () => {
    const { repo, commit, dir } = await candidateRepo({ 'test/sum.test.mjs': "import test from 'node:test';\ntest('sums', () => {});\n" });

    const result = await testCandidate({ repo, commit, dir, checks: [{ label: 'T-001 check 1', argv: [process.execPath, '--test', 'test/'], timeout_seconds: 120 }] });

    expect(result.ok, JSON.stringify(result)).toBe(true);
  });

  it('keeps the event loop turning while its checks run', async () => {
    const { repo, commit, dir } = await candidateRepo();
    let ticks = 0;
    const timer = setInterval(() => ticks++, 50);
    let ticksAtSecondCheck = -1;
    try {
      const result = await testCandidate({
        repo,
        commit,
        dir,
        checks: [sh('first', 'sleep 1'), sh('second', 'sleep 1')],
        onProgress: (p) => {
          if (p.kind === 'check-started' && p.index === 1) ticksAtSecondCheck = ticks;
        },
      });
      expect(result.ok).toBe(true);
    } finally {
      clearInterval(timer);
    }
    // The timer fired while the first check ran, and again while the second did.
    expect(ticksAtSecondCheck).toBeGreaterThan(0);
    expect(ticks).toBeGreaterThan(ticksAtSecondCheck);
  });

  it('on abort, stops the running check, removes the checkout and rejects', async () => {
    const { repo, commit, root, dir } = await candidateRepo();
    const controller = new AbortController();

    const testing = testCandidate({
      repo,
      commit,
      dir,
      checks: [sh('long', 'sleep 300', 600), sh('never', 'exit 0')],
      signal: controller.signal,
      onProgress: (p) => {
        if (p.kind !== 'check-started') return;
        setTimeout(() => {
          controller.abort(new Error('runner stopping'));
        }, 200);
      },
    });

    await expect(testing).rejects.toThrow('runner stopping');
    expectGone(repo, root);
  });

  it('refuses a directory that is not a checkout of its own, and leaves it alone', async () => {
    const { repo, commit, dir } = await candidateRepo();
    mkdirSync(dir, { recursive: true });
    writeFileSync(join(dir, 'notes.txt'), 'mine\n');

    await expect(testCandidate({ repo, commit, dir, checks: [] })).rejects.toThrow(/the directory exists and is not a worktree of this repository/);
    expect(readdirSync(dir)).toEqual(['notes.txt']);
  });
});

describe.skipIf(process.platform !== 'linux')('markedProcesses since a start', () => {
  it('reads only processes started then or later: a check looks at its own, not the whole machine', async () => {
    const dir = tempDir();
    const marked = () => spawn('sleep', ['300'], { cwd: dir, env: { ...testEnv(), [INTEGRATION_ENV]: dir }, detached: true, stdio: 'ignore' });
    const older = marked();
    const olderStart = startTicksOf(older.pid ?? -1);
    // Clock ticks are 10 ms: the younger one must start in a later one.
    await new Promise((resolve) => setTimeout(resolve, 100));
    const younger = marked();
    const since = startTicksOf(younger.pid ?? -1);
    expect(olderStart).toBeDefined();
    expect(since).toBeGreaterThan(olderStart ?? Infinity);
    const pids = (found: { pid: number }[]) => found.map((p) => p.pid).sort((a, b) => a - b);
    expect(pids(markedProcesses({ which: (c) => c === dir, since }))).toEqual([younger.pid]);
    expect(pids(markedProcesses((c) => c === dir))).toEqual(pids([older, younger].map((c) => ({ pid: c.pid ?? -1 }))));
    expect(await stopMarked({ which: (c) => c === dir, since })).toBe(1);
    expect(pids(markedProcesses((c) => c === dir))).toEqual([older.pid]);
    expect(await stopMarked((c) => c === dir)).toBe(1);
  });
});

describe('removeStaleCandidates', () => {
  it("removes a dead runner's checkouts and stops what its checks left running there", async () => {
    const { repo, commit, root } = await candidateRepo();
    const left = join(root, 'T-001');
    await addDetachedWorktree(repo, left, commit);
    mkdirSync(join(root, 'half-made', 'src'), { recursive: true });
    // A check's server that outlived its runner, working in the checkout.
    const server = spawn('sleep', ['300'], { cwd: left, env: { ...testEnv(), [INTEGRATION_ENV]: left }, detached: true, stdio: 'ignore' });
    server.unref();
    expect(markedProcesses((c) => c === left).map((p) => p.pid)).toEqual([server.pid]);

    const removed = await removeStaleCandidates(repo, root);

    expect(removed.sort()).toEqual([join(root, 'T-001'), join(root, 'half-made')]);
    expectGone(repo, root);
  });

  it('keeps its checkout for the next candidate when asked, and that one sees exactly its own files', async () => {
    const { repo, commit, root, dir } = await candidateRepo();
    // The first candidate's check leaves build output, changes a tracked file and starts a process.
    const first = await testCandidate({
      repo,
      commit,
      dir,
      keep: true,
      checks: [sh('dirty', 'mkdir -p build && echo out > build/x && echo changed > src/sum.js && (setsid sleep 300 &) && echo ok')],
    });
    expect(first.ok, JSON.stringify(first)).toBe(true);
    expect(existsSync(join(dir, 'build', 'x'))).toBe(true);
    // Its processes are stopped all the same.
    expect(markedProcesses((checkout) => checkout.startsWith(root))).toEqual([]);
    // The next candidate: the base with one more commit, merged with the task again.
    git(repo, 'commit', '--quiet', '--allow-empty', '-m', 'base moves');
    const next = await prepareCandidate({ repo, base: 'main', taskCommit: git(repo, 'rev-parse', 'phaserunner/execution/T-001'), subject: 's', trailers: TRAILERS, identity: IDENTITY });
    if (next.kind !== 'candidate') throw new Error(`expected a candidate, got ${next.kind}`);
    const second = await testCandidate({
      repo,
      commit: next.commit,
      dir,
      keep: true,
      checks: [{ label: 'exact', argv: ['sh', '-c', 'test "$(git rev-parse HEAD)" = "$1" && test ! -e build && test -z "$(git status --porcelain --ignored)" && grep -q sum src/sum.js', 'sh', next.commit], timeout_seconds: 60 }],
    });
    expect(second.ok, JSON.stringify(second)).toBe(true);
    await removeCheckout(repo, dir);
    expectGone(repo, root);
  });
});
