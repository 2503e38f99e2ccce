// Commit signing: with commit.gpgsign on, phaserunner signs its phase and merge commits as the
// user's git would (git/signing.ts), and a run refuses to start when git cannot sign. The check
// signs a throwaway commit the same way, leaving the repository as it was.
import { PhaserunnerError } from '../failures.js';
import type { Identity } from '../git/commit.js';
import { assertCanSign, SIGNING_FIX, signingWanted } from '../git/signing.js';
import { passed, problem, type DoctorCheck } from './types.js';

export async function checkSigning(root: string, identity: Identity): Promise<DoctorCheck> {
  if (!(await signingWanted(root))) return passed('signing', 'commit.gpgsign is off, so phaserunner does not sign its commits either', { enabled: false, error: null });
  try {
    await assertCanSign(root, identity);
  } catch (error) {
    if (!(error instanceof PhaserunnerError && error.failure.reason === 'signing-failed')) throw error;
    const said = error.failure.stderr.replace(/\s+/g, ' ').trim();
    return problem(
      'signing',
      'fail',
      `commit.gpgsign is on, so phaserunner signs its phase and merge commits, but git cannot sign them${said === '' ? '' : ` (${said})`}; no phase can be committed`,
      SIGNING_FIX,
      { enabled: true, error: said },
    );
  }
  return passed('signing', 'commit.gpgsign is on: phaserunner signs its phase and merge commits, and a test signature worked', { enabled: true, error: null });
}
