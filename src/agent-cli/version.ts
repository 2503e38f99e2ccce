// Asking an installed agent CLI for its version (`<program> --version`), bounded: a program
// that waits for input gets none (stdin is closed), and one that hangs is killed with its
// whole process group after the timeout, so doctor and init always finish.
import { spawn } from 'node:child_process';
import { killGroup } from '../util/process.js';

export const VERSION_TIMEOUT_MS = 10_000;

export interface VersionProbe {
  /** The version number found in the first line of stdout ("2.1.328"), or that whole line when it has none. */
  readonly version: string | null;
  /** Why there is no version (the program failed, timed out or printed nothing); null when there is one. */
  readonly error: string | null;
}

/** Longest first line kept: a program that prints something else must not flood a report. */
const MAX_LINE = 200;
const MAX_OUTPUT = 64 * 1024;

export function probeVersion(path: string, cwd: string, timeoutMs: number = VERSION_TIMEOUT_MS): Promise<VersionProbe> {
  return new Promise((resolve) => {
    let stdout = '';
    let stderr = '';
    let settled = false;
    const finish = (probe: VersionProbe): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      resolve(probe);
    };
    // Its own process group, so the timeout also kills whatever it started.
    const child = spawn(path, ['--version'], { cwd, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
    child.stdout.on('data', (chunk: Buffer) => {
      if (stdout.length < MAX_OUTPUT) stdout += chunk.toString('utf8');
    });
    child.stderr.on('data', (chunk: Buffer) => {
      if (stderr.length < MAX_OUTPUT) stderr += chunk.toString('utf8');
    });
    const timer = setTimeout(() => {
      killGroup(child.pid, 'SIGKILL');
      // A grandchild that escaped the group could hold the pipes open: do not wait for them.
      child.stdout.destroy();
      child.stderr.destroy();
      finish({ version: null, error: `\`--version\` did not finish within ${timeoutMs / 1000} s` });
    }, timeoutMs);
    child.on('error', (error) => {
      finish({ version: null, error: `it could not be started: ${error.message}` });
    });
    child.on('close', (code, signal) => {
      const line = firstLine(stdout);
      if (code !== 0) {
        const said = firstLine(stderr) ?? line;
        finish({ version: null, error: `\`--version\` ${code === null ? `was killed by ${signal ?? 'a signal'}` : `exited ${code}`}${said === undefined ? '' : `: ${said}`}` });
        return;
      }
      if (line === undefined) finish({ version: null, error: '`--version` printed nothing' });
      else finish({ version: versionIn(line), error: null });
    });
  });
}

function firstLine(text: string): string | undefined {
  const line = text.split(/\r?\n/).map((l) => l.trim()).find((l) => l !== '');
  return line === undefined ? undefined : line.slice(0, MAX_LINE);
}

/** "2.1.328 (Claude Code)" → "2.1.328", "codex-cli 0.46.0" → "0.46.0"; a line without a version number is kept whole. */
export function versionIn(line: string): string {
  return /\d+(?:\.\d+)+(?:-[0-9A-Za-z.]+)?/.exec(line)?.[0] ?? line;
}
