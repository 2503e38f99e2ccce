// A scrubbed environment for git and the CLI: no user or system git config leaks in, and
// every test sees the same identity and defaults.
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

let shared: NodeJS.ProcessEnv | undefined;

export function testEnv(): NodeJS.ProcessEnv {
  if (shared !== undefined) return shared;
  const home = mkdtempSync(join(tmpdir(), 'phaserunner-home-'));
  mkdirSync(home, { recursive: true });
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
