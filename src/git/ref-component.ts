// One component of a ref name (what lies between two slashes), by git's own rules
// (`git check-ref-format`, refs.c: check_refname_component). A task id names a branch,
// `phaserunner/execution/<id>`, and an agent wrote the plan: the id is checked here before git
// sees it, so a bad one is a plan problem naming the task, not a git error in the middle of a run.
// Pure: no git is spawned (the plan is checked by the gate, the runner and the audit alike).

/** Longer ids make unwieldy branch and directory names; 64 is plenty for "T-001"-style ids. */
export const MAX_REF_COMPONENT = 64;

/**
 * Why `name` cannot be one component of a ref, as a phrase ("must not contain ..."), or
 * undefined when git accepts it. The rules, in git's words: no component may begin with a dot
 * or end with `.lock`; no `..` anywhere; no control characters, space, `~`, `^`, `:`, `?`, `*`,
 * `[` or `\`; no `/` (it separates components); not end with a dot; no `@{`; not be `@` alone
 * (git says so of a whole ref name, where `@` means HEAD; a component `@` is refused here too).
 */
export function refComponentProblem(name: string, max = MAX_REF_COMPONENT): string | undefined {
  if (name.length === 0) return 'must not be empty';
  if (name.length > max) return `must be at most ${max} characters (it has ${name.length})`;
  // eslint-disable-next-line no-control-regex -- control characters are what this looks for
  const control = /[\x00-\x1f\x7f]/.exec(name);
  if (control !== null) return `must not contain control characters (it has U+${control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0')})`;
  const bad = /[ ~^:?*[\\/]/.exec(name);
  if (bad !== null) return `must not contain ${bad[0] === ' ' ? 'a space' : JSON.stringify(bad[0])} (git refuses it in a branch name)`;
  if (name.startsWith('.')) return 'must not start with "."';
  if (name.includes('..')) return 'must not contain ".."';
  if (name.endsWith('.lock')) return 'must not end with ".lock"';
  if (name.endsWith('.')) return 'must not end with "."';
  if (name.includes('@{')) return 'must not contain "@{"';
  if (name === '@') return 'must not be "@"';
  return undefined;
}
