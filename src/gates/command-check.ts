// The `command` check: a command exits 0 within its timeout, in the checkout being gated.
import type { z } from 'zod';
import type { CommandCheck } from '../phases/schema.js';
import { runCheckProcess, runFailure } from '../integrate/check-process.js';
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
  const run = await runCheckProcess(check.argv, { cwd: root, env: process.env, mark, timeoutMs: check.timeout_seconds * 1000, maxOutput: MAX_OUTPUT });
  const failure = runFailure(run, line, check.timeout_seconds);
  return failure === undefined ? { ...base, ok: true, output: run.output, message: `\`${line}\` exited 0.` } : { ...base, ok: false, output: run.output, message: failure };
}
