// The drivers a repository's config defines, and the config that turns each off for the
// runner's own git. A driver is a program named in config (`filter.<d>.clean`, `.smudge`,
// `.process`; `merge.<d>.driver`; `diff.<d>.textconv`, `.command`) and chosen per path by an
// attribute (`filter=`, `merge=`, `diff=` in .gitattributes, $GIT_DIR/info/attributes or
// core.attributesFile; `merge.default` names one for every path). Attributes cannot be
// overridden from outside (info/attributes wins over everything), but config can: entries of
// command scope come last, so the runner's git gets, for every driver defined, values under
// which git runs nothing (src/git/exec.ts). What each value makes git do, on git 2.39:
// - filters: empty `clean`, `smudge` and `process` run nothing and pass the bytes through as
//   they are (convert.c skips an empty command); `required=false`, or git would call that a
//   failed filter. So git-lfs checks out pointer files, git-crypt ciphertext (docs/git-contract.md).
// - merge drivers: `driver=false`, which exits 1: git reports a conflict in that file and the
//   phase goes to `conflict` for a person to resolve. An empty driver makes git fail the whole
//   merge ("cannot run"), and a builtin text merge could merge cleanly what the driver was
//   there to merge differently: a conflict neither guesses nor runs the repository's program.
// - diff drivers: an empty `textconv` or `command` runs nothing; a diff that needed one fails.
//   The runner's diffs never need one (`--no-ext-diff --no-textconv`, names only).

/** What the runner needs of a repository's config, as git sees it from one directory. */
export interface RepositoryConfig {
  /** Config entries (command scope) that turn every driver off. */
  readonly neutralised: readonly (readonly [string, string])[];
  /** core.fileMode: whether the executable bit of a file in the checkout counts. */
  readonly fileMode: boolean;
}

/** For `git config -z --get-regexp`: every driver key, and core.fileMode. */
export const CONFIG_QUERY = '^((filter|merge|diff)\\..*\\.[^.]*|core\\.filemode)$';

/** Turns `git config -z --get-regexp CONFIG_QUERY` output into what the runner needs. */
export function parseRepositoryConfig(output: string): RepositoryConfig {
  const drivers = { filter: new Set<string>(), merge: new Set<string>(), diff: new Set<string>() };
  let fileMode = true;
  for (const entry of output.split('\0')) {
    if (entry === '') continue;
    // "<key>\n<value>", or "<key>" alone for a key written without `=` (true, for a bool).
    const newline = entry.indexOf('\n');
    const key = newline < 0 ? entry : entry.slice(0, newline);
    const value = newline < 0 ? undefined : entry.slice(newline + 1);
    if (key === 'core.filemode') {
      fileMode = gitBool(value);
      continue;
    }
    // section.<driver>.variable: the driver name keeps its case and may contain dots.
    const first = key.indexOf('.');
    const last = key.lastIndexOf('.');
    if (first === last) continue; // merge.default, diff.external, ...: no driver
    const section = key.slice(0, first);
    if (section === 'filter' || section === 'merge' || section === 'diff') drivers[section].add(key.slice(first + 1, last));
  }
  const neutralised: [string, string][] = [];
  for (const name of drivers.filter) {
    neutralised.push([`filter.${name}.clean`, ''], [`filter.${name}.smudge`, ''], [`filter.${name}.process`, ''], [`filter.${name}.required`, 'false']);
  }
  for (const name of drivers.merge) neutralised.push([`merge.${name}.driver`, 'false']);
  for (const name of drivers.diff) neutralised.push([`diff.${name}.textconv`, ''], [`diff.${name}.command`, '']);
  return { neutralised, fileMode };
}

/** A boolean as git reads one: absent value true; false, no, off, 0 and empty false (any case). */
function gitBool(value: string | undefined): boolean {
  if (value === undefined) return true;
  const v = value.trim().toLowerCase();
  if (v === '' || v === 'false' || v === 'no' || v === 'off') return false;
  if (v === 'true' || v === 'yes' || v === 'on') return true;
  const n = Number(v);
  // An integer: non-zero is true. Anything else git itself refuses; the checkout's mode bits count.
  return Number.isInteger(n) ? n !== 0 : true;
}
