// Running a merge candidate's checks (the task's, then the integration checks) in its
// checkout, one after the other, each with its timeout, stopping at the first red one. Each
// check is a child process the runner waits for without blocking: while a test suite runs for
// minutes, the runner goes on collecting, dispatching and showing the other tasks.
import { REDIRECTING_GIT_ENV } from '../git/redirecting-env.js';
import { runCheckProcess, runFailure } from './check-process.js';
import { ranNoTests } from './no-tests.js';

export interface CandidateCheck {
  /** What the check is called in progress and failures ("T-003 check 1", "integration: npm test"). */
  readonly label: string;
  readonly argv: readonly string[];
  readonly timeout_seconds: number;
}

export interface CheckResult {
  readonly label: string;
  readonly argv: readonly string[];
  readonly ok: boolean;
  /** One line for a person (or the next attempt's prompt): what happened. */
  readonly message: string;
  /** null when it did not exit by itself (killed for its timeout, by a signal, or it never started). */
  readonly exitCode: number | null;
  readonly timedOut: boolean;
  /** Set when the test runner said it ran no tests: why (a red check, even if it exited 0). */
  readonly noTests?: string;
  readonly durationMs: number;
  /** The end of what it printed (stdout and stderr together), at most OUTPUT_TAIL_CHARS. */
  readonly outputTail: string;
}

export type CheckProgress =
  | { readonly kind: 'check-started'; readonly label: string; readonly index: number; readonly total: number }
  | { readonly kind: 'check-finished'; readonly label: string; readonly index: number; readonly total: number; readonly ok: boolean };

/** How much of a check's output is kept in its result: enough for a prompt, not a whole log. */
export const OUTPUT_TAIL_CHARS = 8_000;
/** How much output is read for the no-tests evidence; past it, only the tail is kept. */
const OUTPUT_READ_CHARS = 1024 * 1024;

export interface RunChecksOptions {
  /** The checkout the checks run in (their working directory). */
  readonly cwd: string;
  /** Their environment; default the runner's own. Variables that point git elsewhere are dropped either way. */
  readonly env?: NodeJS.ProcessEnv;
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CheckProgress) => void;
}

/**
 * Runs `checks` in order until one is red; returns every result so far (the last one is the
 * red one, if any). Throws the signal's reason when aborted, after stopping the running check.
 */
export async function runChecks(checks: readonly CandidateCheck[], options: RunChecksOptions): Promise<CheckResult[]> {
  const env = checkEnv(options.env ?? process.env);
  const results: CheckResult[] = [];
  for (const [index, check] of checks.entries()) {
    options.signal?.throwIfAborted();
    options.onProgress?.({ kind: 'check-started', label: check.label, index, total: checks.length });
    const result = await runCheck(check, options.cwd, env, options.signal);
    options.signal?.throwIfAborted();
    results.push(result);
    options.onProgress?.({ kind: 'check-finished', label: check.label, index, total: checks.length, ok: result.ok });
    if (!result.ok) break;
  }
  return results;
}

function checkEnv(base: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...base };
  // A `git` the check runs must see the candidate's checkout, not what the runner was started in.
  for (const key of REDIRECTING_GIT_ENV) Reflect.deleteProperty(env, key);
  return env;
}

async function runCheck(check: CandidateCheck, cwd: string, env: NodeJS.ProcessEnv, signal: AbortSignal | undefined): Promise<CheckResult> {
  const started = Date.now();
  // runCheckProcess has stopped what carries the mark before it returns: nothing of this check
  // is left when the next starts or the checkout is removed.
  const run = await runCheckProcess(check.argv, { cwd, env, mark: cwd, timeoutMs: check.timeout_seconds * 1000, maxOutput: OUTPUT_READ_CHARS, signal });
  const line = check.argv.join(' ');
  const base = { label: check.label, argv: check.argv, exitCode: run.exitCode, timedOut: run.timedOut, durationMs: Date.now() - started, outputTail: run.output.slice(-OUTPUT_TAIL_CHARS) };
  const noTests = run.spawnError === undefined && !run.timedOut ? ranNoTests(run.output, run.exitCode, { truncated: run.output.length >= OUTPUT_READ_CHARS }) : undefined;
  const failure = runFailure(run, line, check.timeout_seconds, noTests === undefined ? undefined : ` (${noTests}).`);
  if (failure !== undefined) return { ...base, ok: false, message: `${check.label}: ${failure}`, ...(noTests === undefined ? {} : { noTests }) };
  if (noTests !== undefined) return { ...base, ok: false, noTests, message: `${check.label}: \`${line}\` exited 0 but ran no tests: ${noTests}.` };
  return { ...base, ok: true, message: `${check.label}: \`${line}\` passed.` };
}
