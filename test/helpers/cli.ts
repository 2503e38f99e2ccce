// The real built CLI as a separate process.
import { spawn, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { testEnv } from './env.js';
import { ROOT } from './git.js';

export const CLI = join(ROOT, 'dist', 'cli', 'main.js');

export interface CliResult {
  readonly code: number | null;
  readonly stdout: string;
  readonly stderr: string;
  /** The signal that ended the process, when one did. */
  readonly signal?: NodeJS.Signals | null;
}

export function cli(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): CliResult {
  const result = spawnSync(process.execPath, [CLI, ...args], {
    cwd,
    env: { ...testEnv(), ...env },
    encoding: 'utf8',
    timeout: 120_000,
  });
  return { code: result.status, stdout: result.stdout, stderr: result.stderr, signal: result.signal };
}

/** Starts the CLI without waiting (for concurrency and interruption tests). */
export function cliAsync(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; done: Promise<CliResult> } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...testEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code) => {
      resolve({ code, stdout, stderr });
    });
  });
  return { child, done };
}

/** Parses the JSON document a --json command printed; the caller names the shape it asserts on. */
// eslint-disable-next-line @typescript-eslint/no-unnecessary-type-parameters
export function json<T = Record<string, unknown>>(result: CliResult): T {
  try {
    return JSON.parse(result.stdout) as T;
  } catch {
    throw new Error(`stdout is not one JSON document:\n${result.stdout}\nstderr:\n${result.stderr}`);
  }
}

/**
 * Runs the CLI with a real terminal on its stdout (python3's pty module, which every machine
 * that runs these tests has), to see what a person at a terminal sees.
 */
export function cliTty(cwd: string, args: readonly string[]): CliResult {
  const result = spawnSync(
    'python3',
    ['-c', 'import pty, sys; sys.exit(pty.spawn(sys.argv[1:]) >> 8)', process.execPath, CLI, ...args],
    { cwd, env: { ...testEnv(), TERM: 'xterm' }, encoding: 'utf8', timeout: 120_000, stdio: ['ignore', 'pipe', 'pipe'] },
  );
  return { code: result.status, stdout: result.stdout, stderr: result.stderr };
}
