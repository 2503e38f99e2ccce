// Process liveness and bounded subprocess runs, used by gate commands and the agent checks.
import { spawn } from 'node:child_process';
import { readFileSync } from 'node:fs';

/**
 * True when a process with this pid exists. When `marker` is given, the process's command
 * line must also contain it (Linux /proc), so a recycled pid is not mistaken for ours.
 */
export function isProcessAlive(pid: number, marker?: string): boolean {
  try {
    process.kill(pid, 0);
  } catch (error) {
    // EPERM means it exists but belongs to someone else: not ours, but alive.
    return error instanceof Error && 'code' in error && error.code === 'EPERM' && marker === undefined;
  }
  if (marker === undefined) return true;
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(marker);
  } catch {
    // No /proc (macOS): fall back to the existence check alone.
    return process.platform !== 'linux';
  }
}

export interface BoundedRun {
  readonly exitCode: number | null;
  readonly signal: string | null;
  readonly timedOut: boolean;
  /** Combined stdout and stderr, truncated to the last `maxOutput` bytes. */
  readonly output: string;
  readonly spawnError?: string;
}

/**
 * Runs a command with a timeout in its own process group, so a timeout kills everything it
 * started, not just the direct child. Never throws for the command's own failures.
 */
export function runBounded(
  argv: readonly string[],
  options: { cwd: string; timeoutMs: number; env?: NodeJS.ProcessEnv; maxOutput?: number },
): Promise<BoundedRun> {
  const maxOutput = options.maxOutput ?? 64 * 1024;
  const [file, ...args] = argv;
  return new Promise((resolve) => {
    if (file === undefined) {
      resolve({ exitCode: null, signal: null, timedOut: false, output: '', spawnError: 'empty command' });
      return;
    }
    let output = '';
    let timedOut = false;
    const child = spawn(file, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
      detached: true,
    });
    const append = (chunk: Buffer): void => {
      output += chunk.toString('utf8');
      if (output.length > maxOutput * 2) output = output.slice(-maxOutput);
    };
    child.stdout.on('data', append);
    child.stderr.on('data', append);
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child.pid, 'SIGKILL');
    }, options.timeoutMs);
    child.on('error', (error) => {
      clearTimeout(timer);
      resolve({ exitCode: null, signal: null, timedOut: false, output, spawnError: error.message });
    });
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ exitCode: code, signal, timedOut, output: output.slice(-maxOutput) });
    });
  });
}

/** Signals a whole process group; ignores a group that is already gone. */
export function killGroup(pid: number | undefined, signal: NodeJS.Signals): void {
  if (pid === undefined) return;
  try {
    process.kill(-pid, signal);
  } catch {
    // Already gone.
  }
}
