// `--by NAME` of the verbs that record who decided (approve, reject): given, or else the name
// git itself uses for this person, `git config user.name` as seen in the repository (its
// local config, then the global one). Neither is a usage error naming both, since the store
// and the merge trailers must say who it was.
import { fail } from '../failures.js';
import { git } from '../git/exec.js';
import { nameProblem } from '../git/trailers.js';

/**
 * The name for `--by`: the one given (checked later, with the rest of the decision), else
 * git's user.name in `cwd`, checked here so that a bad one is blamed on git's config rather
 * than on an option the user never typed.
 */
export async function resolveBy(cwd: string, given: string | undefined, verb: string): Promise<string> {
  if (given !== undefined) return given;
  // Exit 1: the key is not set anywhere.
  const result = await git(['config', '--get', 'user.name'], { cwd, okCodes: [1] });
  // git prints the value and a newline; a name with edge spaces is still refused below.
  const configured = result.exitCode === 0 ? result.stdout.replace(/\n$/, '') : '';
  if (configured === '') fail({ reason: 'name-needed', verb, option: '--by', configured: null, problem: null });
  const problem = nameProblem(configured);
  if (problem !== undefined) fail({ reason: 'name-needed', verb, option: '--by', configured, problem });
  return configured;
}
