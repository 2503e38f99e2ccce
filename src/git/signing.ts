// Signing phaserunner's own commits (the phase and merge commits) when the user signs theirs.
// `git commit` signs when commit.gpgsign is on; `git commit-tree`, the plumbing the runner
// commits with, reads how to sign (gpg.format, user.signingkey, gpg.program, gpg.ssh.*) but
// not whether to: it signs only when given -S (checked on git 2.39). So the runner reads
// commit.gpgsign itself. The snapshots of failed attempts (refs/phaserunner/attempts/) are
// private bookkeeping, never on a branch, and are not signed.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { commitTree, type Identity } from './commit.js';
import { git } from './exec.js';

/** git's id of the empty tree, which every repository has without storing it. */
const EMPTY_TREE = '4b825dc642cb6eb9a060e54bf8d69288fbee4904';

/** What to do when signing fails: shared by the failure and doctor's check. */
export const SIGNING_FIX =
  'Make `git commit-tree -S` sign in this repository: set user.signingkey to your key (phaserunner commits as its `identity` from the config, ' +
  'so git cannot find your key by your own name and email), and make the key usable without a prompt nobody answers (gpg-agent, ssh-agent, or a key without a passphrase); ' +
  '`phaserunner doctor` checks it. Or turn signing off for this repository (`git config commit.gpgsign false`). Then run phaserunner again.';

/** Whether commit.gpgsign is on for this repository (any config scope, as `git commit` reads it). */
export async function signingWanted(dir: string): Promise<boolean> {
  const result = await git(['config', '--type=bool', '--get', 'commit.gpgsign'], { cwd: dir, okCodes: [1] });
  return result.stdout.trim() === 'true';
}

/**
 * Signs a throwaway commit exactly as the runner signs its own (same config, same committer
 * identity, which decides gpg's default key); throws `signing-failed` when git cannot. The
 * commit goes into a temporary object directory, so the repository is left as it was.
 */
export async function assertCanSign(dir: string, identity: Identity): Promise<void> {
  const objects = mkdtempSync(join(tmpdir(), 'phaserunner-sign-'));
  try {
    await commitTree(dir, EMPTY_TREE, [], 'phaserunner: signing check', identity, { sign: true, env: { GIT_OBJECT_DIRECTORY: objects } });
  } finally {
    rmSync(objects, { recursive: true, force: true });
  }
}
