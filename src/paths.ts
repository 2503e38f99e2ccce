// Where the package's own files are, and where per-repository state lives (DESIGN.md).
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: holds phases/, schema/, fixtures/ and dist/. Works from src/ and dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Built programs that run as separate processes (the wrapper, the scripted agent). */
export const WRAPPER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'dispatch', 'wrapper.js');
export const SCRIPTED_AGENT_SCRIPT = join(PACKAGE_ROOT, 'dist', 'scripted-agent', 'main.js');
export const BUILTIN_PHASES_DIR = join(PACKAGE_ROOT, 'phases');

/** Files under the repository checkout. */
export function configDir(root: string): string {
  return join(root, '.phaserunner');
}
/** The config's path inside the repository (and so inside any commit's tree). */
export const CONFIG_PATH = '.phaserunner/config.json';

export function configFile(root: string): string {
  return join(root, ...CONFIG_PATH.split('/'));
}
export function overridePhasesDir(root: string): string {
  return join(root, '.phaserunner', 'phases');
}

/** Runner state under the git common dir: shared by all worktrees, never committed. */
export interface StatePaths {
  readonly dir: string;
  readonly db: string;
  readonly runs: string;
  readonly worktrees: string;
  readonly lock: string;
}

export function statePaths(commonDir: string): StatePaths {
  const dir = join(commonDir, 'phaserunner');
  return {
    dir,
    db: join(dir, 'state.db'),
    runs: join(dir, 'runs'),
    worktrees: join(dir, 'worktrees'),
    lock: join(dir, 'runner.lock'),
  };
}
