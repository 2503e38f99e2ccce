// git: present, and new enough for what the runner does with it (MIN_GIT_VERSION says why).
import { tmpdir } from 'node:os';
import { which } from '../agents/which.js';
import { PhaserunnerError } from '../failures.js';
import { compareVersions, gitVersion, MIN_GIT_VERSION } from '../git/repo.js';
import { passed, problem, type DoctorCheck } from './types.js';

const UPGRADE = `from your package manager (\`apt install git\`, \`brew install git\`, ...) or https://git-scm.com/downloads`;

export async function checkGit(): Promise<DoctorCheck> {
  // Asked in a directory that exists whatever -C says: `git version` reads no repository.
  const path = which('git', tmpdir()) ?? null;
  let version: string;
  try {
    version = await gitVersion(tmpdir());
  } catch (error) {
    if (!(error instanceof PhaserunnerError && error.failure.reason === 'git-missing')) throw error;
    return problem('git', 'fail', 'git was not found on PATH; the other checks need it, so they were skipped', `Install git ${MIN_GIT_VERSION} or newer ${UPGRADE}, and put it on PATH.`, {
      version: null,
      required: MIN_GIT_VERSION,
      path,
    });
  }
  const details = { version, required: MIN_GIT_VERSION, path };
  if (compareVersions(version, MIN_GIT_VERSION) < 0) {
    return problem(
      'git',
      'fail',
      `git ${version}${path === null ? '' : ` (${path})`} is older than ${MIN_GIT_VERSION}, which phaserunner needs (for \`git merge-tree --write-tree\`); the other checks need it, so they were skipped`,
      `Upgrade git to ${MIN_GIT_VERSION} or newer ${UPGRADE}.`,
      details,
    );
  }
  return passed('git', `git ${version}${path === null ? '' : ` (${path})`}, at least ${MIN_GIT_VERSION}`, details);
}
