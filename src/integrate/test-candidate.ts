// Testing a merge candidate: check out exactly the candidate commit in a checkout of its own,
// run the checks there, and remove the checkout, whatever happened (green, red, a timeout, an
// error, an abort). The runner publishes only a candidate this found green, so every commit
// the base branch gets is a tree that was tested.
import { resolve } from 'node:path';
import { clearCheckoutDir, createCheckout, moveCheckout, removeCheckout } from './checkout.js';
import { startTicksOf } from '../util/procfs.js';
import { stopMarked } from './marked-processes.js';
import { runChecks, type CandidateCheck, type CheckProgress, type CheckResult } from './checks.js';

export interface TestCandidateInput {
  /** A directory inside the repository. */
  readonly repo: string;
  /** The candidate merge commit (prepareCandidate). */
  readonly commit: string;
  /** Where to check it out: a path that does not exist yet, under a directory of the runner's. */
  readonly dir: string;
  /**
   * Keep the checkout for the next candidate (the merge queue tests one after another): it is
   * moved to the next candidate rather than made anew (moveCheckout), and the caller removes it
   * when done (removeCheckout). Its checks' processes are stopped all the same.
   */
  readonly keep?: boolean;
  /** In order: the task's checks, then the integration checks. */
  readonly checks: readonly CandidateCheck[];
  /** The checks' environment; default the runner's own. */
  readonly env?: NodeJS.ProcessEnv;
  /** Aborting stops the running check, removes the checkout, and rejects with the signal's reason. */
  readonly signal?: AbortSignal;
  readonly onProgress?: (progress: CandidateProgress) => void;
}

export type CandidateProgress = { readonly kind: 'checkout'; readonly dir: string; readonly commit: string } | CheckProgress;

export interface FailedCheck {
  readonly label: string;
  readonly argv: readonly string[];
  readonly message: string;
  readonly outputTail: string;
}

export type CandidateTest =
  | { readonly ok: true; readonly results: readonly CheckResult[] }
  /** `failed`: the first red check, for the next attempt's prompt; `results` ends with it. */
  | { readonly ok: false; readonly failed: FailedCheck; readonly results: readonly CheckResult[] };

export async function testCandidate(input: TestCandidateInput): Promise<CandidateTest> {
  input.signal?.throwIfAborted();
  // One spelling of the path for the checkout, the checks' working directory and their mark.
  const dir = resolve(input.dir);
  // Outside the try: a directory that is not a checkout of ours is refused, and not removed.
  const reused = input.keep === true && (await moveCheckout(input.repo, dir, input.commit));
  if (!reused) await clearCheckoutDir(input.repo, dir);
  let keep = input.keep === true;
  try {
    input.onProgress?.({ kind: 'checkout', dir, commit: input.commit });
    if (!reused) await createCheckout(input.repo, dir, input.commit);
    const results = await runChecks(input.checks, {
      cwd: dir,
      ...(input.env === undefined ? {} : { env: input.env }),
      ...(input.signal === undefined ? {} : { signal: input.signal }),
      ...(input.onProgress === undefined ? {} : { onProgress: input.onProgress }),
    });
    const red = results.find((r) => !r.ok);
    if (red === undefined) return { ok: true, results };
    return { ok: false, failed: { label: red.label, argv: red.argv, message: red.message, outputTail: red.outputTail }, results };
  } catch (error) {
    keep = false; // Aborted, or it went wrong: nothing of it is trusted for the next candidate.
    throw error;
  } finally {
    // Kept: what its checks left was started by this runner (it ran them), so younger than it.
    if (keep) await stopMarked({ which: (checkout) => resolve(checkout) === dir, since: startTicksOf(process.pid) });
    else await removeCheckout(input.repo, dir);
  }
}
