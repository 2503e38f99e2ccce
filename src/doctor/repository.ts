// Outside a repository, doctor still checks what can be checked anywhere (git, node, process
// containment, the agent CLIs on PATH), and says why it stopped there.
import { passed, problem, type DoctorCheck } from './types.js';

export function repositoryMissing(cwd: string): DoctorCheck {
  return problem(
    'repository',
    'fail',
    `${cwd} is not inside a git repository with a working tree; only git, node, process containment and the agent CLIs on PATH were checked`,
    "Run `phaserunner doctor` inside your project's checkout (or make one: `git init`, then a first commit).",
    { path: null },
  );
}

export function repositoryFound(root: string): DoctorCheck {
  return passed('repository', `the git repository at ${root}`, { path: root });
}
