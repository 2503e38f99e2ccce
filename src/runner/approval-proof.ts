// The proof that an approval (or rejection) was recorded by `phaserunner approve` or `reject`:
// a MAC over the decision under the user's key (src/util/user-key.ts), which lives outside
// the repository, where an agent's checkout, its sandbox and the state directory do not reach.
// A row written into the store by anything else (an agent that found state.db) carries no
// valid proof and does not count.
import type { ApprovalRow } from '../store/store.js';
import { readUserKey, signText, signedBy, userKey } from '../util/user-key.js';

type Signed = Pick<ApprovalRow, 'workstream' | 'step_id' | 'run_id' | 'decision' | 'by' | 'commit_sha' | 'digest' | 'at'>;

function text(row: Signed): string {
  // A phase's id is signed as the number it was before step ids were text, so that the
  // proofs recorded then still hold.
  const step = /^[0-9]+$/.test(row.step_id) ? Number(row.step_id) : row.step_id;
  return JSON.stringify(['approval', row.workstream, step, row.run_id, row.decision, row.by, row.commit_sha, row.digest, row.at]);
}

/** The proof to record with a decision. */
export function proveDecision(row: Signed): string {
  return signText(userKey(), text(row));
}

/** True when the row carries a proof made with this user's key. */
export function provenDecision(row: Signed & { readonly proof?: string | null }): boolean {
  const key = readUserKey();
  return key !== undefined && signedBy(key, text(row), row.proof);
}
