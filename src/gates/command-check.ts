// The `command` check: a command exits 0 within its timeout, in the checkout being gated.
import type { z } from 'zod';
import type { CommandCheck } from '../phases/schema.js';
import { runBounded } from '../util/process.js';
import { resultBase, type CheckResult } from './types.js';

type CommandCheckDef = z.output<typeof CommandCheck>;

export async function runCommandCheck(check: CommandCheckDef, root: string): Promise<CheckResult> {
  const line = check.argv.join(' ');
  const base = resultBase('command', line, check.message);
  const run = await runBounded(check.argv, { cwd: root, timeoutMs: check.timeout_seconds * 1000 });
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
