// The `command` check: a command exits 0 within its timeout, in the checkout being gated.
import type { z } from 'zod';
import type { CommandCheck } from '../phases/schema.js';
import { runCheckProcess } from '../integrate/check-process.js';
import { INTEGRATION_ENV } from '../integrate/marked-processes.js';
import { resultBase, type CheckResult } from './types.js';

type CommandCheckDef = z.output<typeof CommandCheck>;

/** What a check's output is kept to (its tail). */
const MAX_OUTPUT = 64 * 1024;

let checks = 0;

export async function runCommandCheck(check: CommandCheckDef, root: string): Promise<CheckResult> {
  const line = check.argv.join(' ');
  const base = resultBase('command', line, check.message);
  // Over when its process exits, not when its output closes: a command that leaves something
  // running with its stdout (a server a test suite started) would otherwise hold the gate
  // until its timeout and fail it. What it leaves is stopped, found by its mark.
  const mark = `gate:${process.pid}:${++checks}:${root}`;
  const run = await runCheckProcess(check.argv, {
    cwd: root,
    env: { ...process.env, [INTEGRATION_ENV]: mark },
    mark,
    timeoutMs: check.timeout_seconds * 1000,
    maxOutput: MAX_OUTPUT,
  });
  const output = run.output;
  if (run.spawnError !== undefined) {
    return { ...base, ok: false, output, message: `\`${line}\` could not start: ${run.spawnError}.` };
  }
  if (run.timedOut) {
    return { ...base, ok: false, output, message: `\`${line}\` did not finish within ${check.timeout_seconds}s and was killed.` };
  }
  if (run.exitCode !== 0) {
    const tail = lastLines(output, 3);
    const how = run.signal !== null ? `was killed by ${run.signal}` : `exited ${run.exitCode ?? '?'}`;
    return { ...base, ok: false, output, message: `\`${line}\` ${how}${tail === '' ? '.' : `: ${tail}`}` };
  }
  return { ...base, ok: true, output, message: `\`${line}\` exited 0.` };
}

function lastLines(text: string, n: number): string {
  return text.trim().split('\n').slice(-n).join(' | ');
}
