// The base branch: phase branches start from it and merge into it, so it must exist.
import { resolveCommit } from '../git/repo.js';
import { CONFIG_PATH } from '../paths.js';
import { shellWord } from '../util/shell.js';
import { passed, problem, type DoctorCheck } from './types.js';

export async function checkBase(root: string, base: string): Promise<DoctorCheck> {
  const tip = await resolveCommit(root, `refs/heads/${base}`);
  if (tip !== undefined) return passed('base', `the base branch ${base} is at ${tip.slice(0, 12)}`, { branch: base });
  // A CI checkout (detached at origin's branch, no local ones): the branch is one command away.
  const origin = await resolveCommit(root, `refs/remotes/origin/${base}`);
  if (origin !== undefined) {
    return problem(
      'base',
      'fail',
      `the base branch ${base} does not exist in this repository (only origin/${base}, at ${origin.slice(0, 12)}), so no phase can start or merge here; \`phaserunner audit\` and \`log\` read origin's`,
      `Create it from origin's: \`git branch ${shellWord(base)} ${shellWord(`origin/${base}`)}\`.`,
      { branch: base },
    );
  }
  return problem(
    'base',
    'fail',
    `the base branch ${base} does not exist in this repository, so no phase can start or merge`,
    `Create it (\`git branch ${shellWord(base)} <commit>\`), or set "base" in ${CONFIG_PATH} to an existing branch (\`git branch\` lists them).`,
    { branch: base },
  );
}
