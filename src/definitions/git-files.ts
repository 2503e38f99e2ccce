// The definition files as a commit has them: `.phaserunner/config.json` and the phase
// overrides `.phaserunner/phases/*.json`. What governs a phase is what git has (not the
// user's working tree), so a teammate's clone, a CI checkout and the audit all read the same
// definitions the runner followed. Listing them costs one `git ls-tree`; their ids key the
// cache of validated definitions, so the texts are read (one `git cat-file --batch`) only
// when they must be validated.
import { git, splitNul } from '../git/exec.js';
import { CONFIG_PATH, OVERRIDES_PATH } from '../paths.js';
import type { Source, SourceDir } from '../util/sources.js';

export interface GitFile {
  readonly path: string;
  readonly mode: string;
  readonly oid: string;
}

export interface DefinitionFiles {
  /** The commit they were listed at. */
  readonly commit: string;
  /** How messages name the commit: a branch (`main`) or a short id. */
  readonly label: string;
  readonly config: GitFile | undefined;
  /** The overrides directory's `*.json` files (not its subdirectories), sorted by name. */
  readonly phases: readonly GitFile[];
  /** Set when the overrides directory is a file in git, not a directory. */
  readonly overridesNotADirectory?: boolean;
}

const REGULAR = new Set(['100644', '100755']);

/** Lists the definition files at `commit` (one git process). */
export async function definitionFilesAt(root: string, commit: string, label: string): Promise<DefinitionFiles> {
  const { stdout } = await git(['ls-tree', '-r', '-z', '--full-tree', commit, '--', CONFIG_PATH, OVERRIDES_PATH], {
    cwd: root,
    env: { GIT_LITERAL_PATHSPECS: '1' },
  });
  let config: GitFile | undefined;
  let overridesNotADirectory = false;
  const phases: GitFile[] = [];
  for (const record of splitNul(stdout)) {
    // "<mode> <type> <oid>\t<path>"
    const tab = record.indexOf('\t');
    if (tab < 0) continue;
    const [mode = '', , oid = ''] = record.slice(0, tab).split(' ');
    const path = record.slice(tab + 1);
    if (path === CONFIG_PATH) config = { path, mode, oid };
    // A config committed as a directory: its files are listed, the config itself is not.
    else if (path.startsWith(`${CONFIG_PATH}/`)) config = { path: CONFIG_PATH, mode: '40000', oid: '' };
    else if (path === OVERRIDES_PATH) overridesNotADirectory = true;
    else if (path.startsWith(`${OVERRIDES_PATH}/`) && !path.slice(OVERRIDES_PATH.length + 1).includes('/') && path.endsWith('.json')) phases.push({ path, mode, oid });
  }
  phases.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { commit, label, config, phases, ...(overridesNotADirectory ? { overridesNotADirectory } : {}) };
}

/** What a file is called in messages: `main:.phaserunner/config.json`, git's own notation. */
export function gitFileName(files: Pick<DefinitionFiles, 'label'>, path: string): string {
  return `${files.label}:${path}`;
}

export interface GitSources {
  readonly config: Source | undefined;
  readonly overrides: SourceDir;
}

/** Reads the listed files' texts (one git process for all of them). */
export async function readDefinitionFiles(root: string, files: DefinitionFiles): Promise<GitSources> {
  // Only when the definitions must be validated (a cache miss): a status that hits loads none of it.
  const { ObjectReader } = await import('../git/objects.js');
  const reader = new ObjectReader(root);
  try {
    const read = async (file: GitFile): Promise<Source> => {
      const name = gitFileName(files, file.path);
      // A symlink's blob is its target's path, a submodule has none: neither is a definition.
      if (!REGULAR.has(file.mode)) return { file: name, error: Object.assign(new Error(`it is not a regular file in git (mode ${file.mode})`), { code: 'EISDIR' }) };
      const object = await reader.read(file.oid);
      if (object?.type !== 'blob') return { file: name, error: Object.assign(new Error('its blob is missing from the repository'), { code: 'EIO' }) };
      return { file: name, text: object.content.toString('utf8') };
    };
    const [config, phases] = await Promise.all([files.config === undefined ? undefined : read(files.config), Promise.all(files.phases.map(read))]);
    const dir = gitFileName(files, OVERRIDES_PATH);
    if (files.overridesNotADirectory === true) return { config, overrides: { dir, error: Object.assign(new Error('it is a file in git, not a directory'), { code: 'ENOTDIR' }), files: [] } };
    return { config, overrides: { dir, files: phases } };
  } finally {
    await reader.close();
  }
}
