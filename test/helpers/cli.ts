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
export function cliAsync(cwd: string, args: readonly string[], env: NodeJS.ProcessEnv = {}): { child: ReturnType<typeof spawn>; done: Promise<CliResult>; output: () => { stdout: string; stderr: string } } {
  const child = spawn(process.execPath, [CLI, ...args], { cwd, env: { ...testEnv(), ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  const done = new Promise<CliResult>((resolve) => {
    child.on('close', (code, signal) => {
      resolve({ code, stdout, stderr, signal });
    });
  });
  return { child, done, output: () => ({ stdout, stderr }) };
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

/** How a process on a terminal ended: its exit code, or the number of the signal that ended it. */
export interface TtyEnd {
  readonly code: number | null;
  readonly signal: number | null;
  readonly output: string;
}

// Runs argv on a new terminal (the child leads its own session, as a login shell's job does)
// and copies what it prints, until a line arrives on stdin: then it closes the terminal, as
// closing a terminal window or losing an ssh session does (the kernel sends SIGHUP, and
// writes to the terminal fail with EIO). Copies the terminal's output to stderr as it comes,
// and prints how the child ended, as JSON.
const HANG_UP_PY = `
import json, os, pty, select, sys
pid, fd = pty.fork()
if pid == 0:
    os.execv(sys.argv[1], sys.argv[1:])
out = b''
while True:
    ready, _, _ = select.select([fd, 0], [], [])
    if 0 in ready:
        break
    try:
        data = os.read(fd, 65536)
    except OSError:
        data = b''
    if not data:
        break
    out += data
    sys.stderr.buffer.write(data)
    sys.stderr.flush()
os.close(fd)
_, status = os.waitpid(pid, 0)
print(json.dumps({'code': os.WEXITSTATUS(status) if os.WIFEXITED(status) else None,
                  'signal': os.WTERMSIG(status) if os.WIFSIGNALED(status) else None,
                  'output': out.decode('utf8', 'replace')}))
`;

/**
 * Starts the CLI on a real terminal (python3's pty module); `hangUp()` closes that terminal,
 * and `output()` is what the terminal has shown so far.
 */
export function cliTtyHangUp(cwd: string, args: readonly string[]): { hangUp: () => void; output: () => string; done: Promise<TtyEnd> } {
  const child = spawn('python3', ['-c', HANG_UP_PY, process.execPath, CLI, ...args], { cwd, env: { ...testEnv(), TERM: 'xterm' }, stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let shown = '';
  child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
  child.stderr.on('data', (d: Buffer) => (shown += d.toString()));
  const done = new Promise<TtyEnd>((resolve, reject) => {
    child.on('close', () => {
      try {
        resolve(JSON.parse(stdout) as TtyEnd);
      } catch {
        reject(new Error(`the terminal helper printed no result: ${stdout}`));
      }
    });
  });
  return { hangUp: () => child.stdin.end('hang up\n'), output: () => shown, done };
}
