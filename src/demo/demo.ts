// `demo`: a throwaway repository with an INTENT.md and phaserunner initialised on the
// scripted agent, ready for `run --wait` (planning) and then `run --workstream execution
// --wait`: three tasks at once, and every merge candidate tested with the project's whole
// test suite, so the base branch stays green.
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { fail } from '../failures.js';
import { git } from '../git/exec.js';
import { initRepo } from '../init/init.js';
import { PACKAGE_ROOT } from '../paths.js';

export const DEMO_INTENT = join(PACKAGE_ROOT, 'fixtures', 'demo', 'INTENT.md');

/** Task agents at work at once: the plan has five tasks that only need the first one. */
export const DEMO_CONCURRENCY = 3;

/** The project's whole test suite (the scripted agent writes node:test files): run on every merge candidate. */
export const DEMO_SUITE = { argv: ['node', '--test'], timeout_seconds: 300 } as const;

/** Creates the demo repository; returns its path. */
export async function createDemoRepo(dir: string | undefined, delayMs: number): Promise<string> {
  const target = dir === undefined ? mkdtempSync(join(tmpdir(), 'phaserunner-demo-')) : resolve(dir);
  // Checked before anything is created: a refused demo leaves nothing behind.
  if (existsSync(target) && (!statSync(target).isDirectory() || readdirSync(target).length > 0)) fail({ reason: 'demo-dir-not-empty', dir: target });
  mkdirSync(target, { recursive: true });
  const run = (args: string[]): Promise<unknown> => git(args, { cwd: target });
  await run(['init', '--quiet', '--initial-branch=main']);
  // A local identity: the demo must work on a machine where git has never been configured.
  await run(['config', 'user.name', 'phaserunner demo']);
  await run(['config', 'user.email', 'demo@phaserunner.invalid']);
  await run(['config', 'commit.gpgsign', 'false']);
  cpSync(DEMO_INTENT, join(target, 'INTENT.md'));
  writeFileSync(join(target, 'README.md'), '# Shelf\n\nA demo repository created by `phaserunner demo`.\n');
  await run(['add', 'INTENT.md', 'README.md']);
  await run(['commit', '--quiet', '-m', 'Describe the project in INTENT.md']);
  await initRepo(target, {
    agent: 'scripted',
    base: 'main',
    extra: {
      agents: { scripted: { type: 'scripted', delay_ms: delayMs } },
      execution: { concurrency: DEMO_CONCURRENCY, integration_checks: [DEMO_SUITE] },
    },
  });
  await run(['add', '.phaserunner']);
  await run(['commit', '--quiet', '-m', 'Configure phaserunner']);
  return target;
}
