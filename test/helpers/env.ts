// A scrubbed environment for git and the CLI: no user or system git config leaks in, and
// every test sees the same identity and defaults.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { tempDir } from './temp.js';

let shared: NodeJS.ProcessEnv | undefined;

export function testEnv(): NodeJS.ProcessEnv {
  if (shared !== undefined) return shared;
  // Removed with the test file's other directories, and so are the worktrees under it.
  const home = tempDir('phaserunner-home-');
  const gitconfig = join(home, '.gitconfig');
  writeFileSync(
    gitconfig,
    [
      '[user]',
      '  name = Test User',
      '  email = test@example.invalid',
      '[init]',
      '  defaultBranch = main',
      '[commit]',
      '  gpgsign = false',
      '[gc]',
      '  auto = 0',
      '[maintenance]',
      '  auto = false',
      '',
    ].join('\n'),
  );
  const env: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(process.env)) {
    // XDG_STATE_HOME too: worktrees then go under the temporary HOME, as on a default machine.
    if (key.startsWith('GIT_') || key.startsWith('PHASERUNNER_') || key === 'XDG_STATE_HOME') continue;
    env[key] = value;
  }
  shared = { ...env, HOME: home, GIT_CONFIG_GLOBAL: gitconfig, GIT_CONFIG_NOSYSTEM: '1', TERM: 'dumb', NO_COLOR: '1' };
  return shared;
}

/** Drops the environment (its HOME has been removed): the next testEnv() makes a new one. */
export function forgetTestEnv(): void {
  shared = undefined;
}
