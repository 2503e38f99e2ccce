// Where the package's own files are, and where per-repository state lives (DESIGN.md).
import { homedir } from 'node:os';
import { basename, dirname, isAbsolute, join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** The package root: holds phases/, schema/, fixtures/ and dist/. Works from src/ and dist/. */
export const PACKAGE_ROOT = fileURLToPath(new URL('..', import.meta.url));

/** Built programs that run as separate processes (the wrapper, the scripted agent). */
export const WRAPPER_SCRIPT = join(PACKAGE_ROOT, 'dist', 'dispatch', 'wrapper.js');
export const SCRIPTED_AGENT_SCRIPT = join(PACKAGE_ROOT, 'dist', 'scripted-agent', 'main.js');
export const BUILTIN_PHASES_DIR = join(PACKAGE_ROOT, 'phases');
/** Built-in phases of earlier releases, one set per directory, for the audit of their merges (src/definitions/retired.ts). */
export const RETIRED_PHASES_DIR = join(BUILTIN_PHASES_DIR, 'retired');
/** The generated JSON Schemas (`npm run schema`), shipped with the package. */
export const PACKAGE_SCHEMA_DIR = join(PACKAGE_ROOT, 'schema');

/** Files under the repository checkout. */
export function configDir(root: string): string {
  return join(root, '.phaserunner');
}
/** The config's path inside the repository (and so inside any commit's tree). */
export const CONFIG_PATH = '.phaserunner/config.json';

export function configFile(root: string): string {
  return join(root, ...CONFIG_PATH.split('/'));
}
/**
 * The config's JSON Schema, copied next to it by `init` so that the config's `$schema`
 * (CONFIG_SCHEMA_REF) resolves in the user's editor and errors can name a file in the repository.
 */
export const CONFIG_SCHEMA_NAME = 'config.schema.json';
export const CONFIG_SCHEMA_REF = `./${CONFIG_SCHEMA_NAME}`;

export function configSchemaFile(root: string): string {
  return join(configDir(root), CONFIG_SCHEMA_NAME);
}
/** The phase overrides' directory inside the repository (and so inside any commit's tree). */
export const OVERRIDES_PATH = '.phaserunner/phases';

export function overridePhasesDir(root: string): string {
  return join(root, ...OVERRIDES_PATH.split('/'));
}

/**
 * Runner state: under the git common dir (shared by all worktrees, never committed), except
 * the agents' worktrees, which live outside any `.git` directory (see worktreesDir).
 */
export interface StatePaths {
  readonly dir: string;
  readonly db: string;
  readonly runs: string;
  readonly worktrees: string;
  readonly lock: string;
}

export function statePaths(commonDir: string, env: NodeJS.ProcessEnv = process.env): StatePaths {
  const dir = join(commonDir, 'phaserunner');
  return {
    dir,
    db: join(dir, 'state.db'),
    runs: join(dir, 'runs'),
    // Worked out when asked for: the read-only verbs never need it (see worktreesDir).
    get worktrees() {
      return worktreesDir(commonDir, env);
    },
    lock: join(dir, 'runner.lock'),
  };
}

/** Overrides where the agents' worktrees go (a directory; each repository gets its own inside). */
export const WORKTREES_ENV = 'PHASERUNNER_WORKTREES_DIR';

/**
 * Where one repository's phase worktrees live: `<root>/<repo name>-<hash of its git common
 * dir>`, with root `$PHASERUNNER_WORKTREES_DIR`, else `$XDG_STATE_HOME/phaserunner/worktrees`,
 * else `~/.local/state/phaserunner/worktrees`. Not under `.git`: agent CLIs refuse to edit
 * files under a `.git` directory (Claude Code 2.1 calls every such path a sensitive file,
 * even through a symlink), and not inside the checkout, where the user's own tools (test
 * runners, linters, search) would see a second copy of the project. The hash keeps two
 * repositories of the same name apart, and is stable, so a runner that lost its store finds
 * the same paths again.
 */
export function worktreesDir(commonDir: string, env: NodeJS.ProcessEnv = process.env): string {
  const override = env[WORKTREES_ENV];
  const xdg = env.XDG_STATE_HOME;
  // The XDG spec says a relative XDG_STATE_HOME is invalid and must be ignored.
  const root =
    override !== undefined && override !== ''
      ? override
      : join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.local', 'state'), 'phaserunner', 'worktrees');
  const name = (basename(commonDir) === '.git' ? basename(dirname(commonDir)) : basename(commonDir).replace(/\.git$/, '')).replace(/[^A-Za-z0-9._-]/g, '_');
  // node:crypto loaded here, when needed: it costs `status` ~5 ms of start-up (docs/performance.md).
  const hash = process.getBuiltinModule('node:crypto').createHash('sha256').update(commonDir).digest('hex').slice(0, 12);
  return join(root, `${name === '' ? 'repo' : name}-${hash}`);
}
