// Refs the runner itself moves while agents work (execution runs several at once): another
// task's branch created or deleted, a failed attempt's snapshot ref, the base branch when the
// merge queue publishes. Each agent at work was fingerprinted with the refs as they were
// (src/runner/containment.ts), and would be failed for the runner's move. So every move is
// absorbed into those fingerprints as it is made: where a fingerprint still holds the ref's
// old value, it takes the new one. Where it holds another value, the ref had moved before the
// runner moved it (an agent's doing, or the user's): left as it is, so the comparison when
// that agent ends still sees it.
import type { Fingerprint } from '../fingerprint/types.js';
import type { Runner } from './context.js';

/** One ref the runner moved: from its old value to its new one (undefined: it did not exist / was deleted). */
export interface RunnerRefMove {
  /** The full ref name, `refs/heads/...`. */
  readonly ref: string;
  readonly from: string | undefined;
  readonly to: string | undefined;
}

/**
 * Amends the fingerprint of every run whose agent may be at work (step 'dispatched') for refs
 * the runner has just moved. Call it right after each move, and never while a
 * `checkContainment` is under way (it reads the fingerprint first and the refs later: a move
 * and its absorption in between would read as the agent's). Synchronous, in one store transaction.
 */
export function absorbRunnerRefMoves(r: Pick<Runner, 'store'>, moves: readonly RunnerRefMove[]): void {
  if (moves.length === 0) return;
  r.store.write(() => {
    for (const row of r.store.dispatchedFingerprints()) {
      // A run's own branch is in no fingerprint of its own: nothing to read (a phase commit's
      // move, with no other attempt at work, parses nothing).
      if (moves.every((m) => m.ref === `refs/heads/${row.branch}`)) continue;
      const fingerprint = JSON.parse(row.data) as Fingerprint;
      const refs = absorbed(fingerprint.refs, moves, `refs/heads/${row.branch}`);
      if (refs !== fingerprint.refs) r.store.amendFingerprint(row.run_id, JSON.stringify({ ...fingerprint, refs }));
    }
  });
}

/** The refs with the moves applied where they still hold the old value; the same object when none applies. */
function absorbed(refs: Readonly<Record<string, string>>, moves: readonly RunnerRefMove[], ownBranch: string): Readonly<Record<string, string>> {
  let out: Record<string, string> | undefined;
  for (const move of moves) {
    // Refs a fingerprint does not hold (the agent's own branch, remote-tracking refs) stay out of it.
    if (move.ref === ownBranch || move.ref.startsWith('refs/remotes/')) continue;
    const current = (out ?? refs)[move.ref];
    if (current !== move.from || move.from === move.to) continue;
    out ??= { ...refs };
    if (move.to === undefined) Reflect.deleteProperty(out, move.ref);
    else out[move.ref] = move.to;
  }
  return out ?? refs;
}
