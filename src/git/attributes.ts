// Which filter git stores a path through: the `filter` attribute (.gitattributes in the
// checkout, $GIT_DIR/info/attributes) naming a driver the config gives a clean or process
// command (a formatter, git-lfs, git-crypt). Without such a command git stores the bytes as
// they are, whatever the attribute says.
import { git, splitNul } from './exec.js';

/** The filter driver each path is stored through, as git in `worktree` sees it; unfiltered paths are absent. */
export async function storedThroughFilters(worktree: string, paths: readonly string[]): Promise<Map<string, string>> {
  const found = new Map<string, string>();
  if (paths.length === 0) return found;
  const [attributes, drivers] = await Promise.all([
    // Paths, not pathspecs: read literally, NUL-separated both ways.
    git(['check-attr', '-z', '--stdin', 'filter'], { cwd: worktree, input: paths.join('\0') + '\0' }),
    cleaningDrivers(worktree),
  ]);
  if (drivers.size === 0) return found;
  // "<path> NUL filter NUL <value> NUL" per path; the value is "unspecified", "unset", "set" or a driver name.
  const fields = splitNul(attributes.stdout);
  for (let i = 0; i + 2 < fields.length; i += 3) {
    const path = fields[i] ?? '';
    const value = fields[i + 2] ?? '';
    if (drivers.has(value)) found.set(path, value);
  }
  return found;
}

/** Drivers with a non-empty `filter.<name>.clean` or `filter.<name>.process` in git's config. */
async function cleaningDrivers(worktree: string): Promise<Set<string>> {
  // Exit 1: no such key at all.
  const { stdout } = await git(['config', '-z', '--get-regexp', '^filter\\..+\\.(clean|process)$'], { cwd: worktree, okCodes: [1] });
  const drivers = new Set<string>();
  for (const entry of splitNul(stdout)) {
    // "<key>\n<value>"; the driver name (the subsection) keeps its case and may contain dots.
    const newline = entry.indexOf('\n');
    const key = newline < 0 ? entry : entry.slice(0, newline);
    const value = newline < 0 ? '' : entry.slice(newline + 1);
    if (value.trim() === '') continue;
    drivers.add(key.slice('filter.'.length, key.lastIndexOf('.')));
  }
  return drivers;
}
