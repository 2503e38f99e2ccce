// The definitions committed at any commit, validated: a run is judged and finalised by the
// definitions it was dispatched under (those at its base commit), not by what the base has
// now, so that the runner and the audit, which reads the same commit, agree. Memoised by the
// files' ids: most commits share one version.
import { BUILTIN_PHASES_DIR, CONFIG_PATH } from '../paths.js';
import { readJsonDir, type SourceDir } from '../util/sources.js';
import { definitionFilesAt, gitFileName, readDefinitionFiles, type DefinitionFiles } from './git-files.js';
import { validateDefinitions, type Validated } from './validate.js';

export class CommittedDefinitions {
  private readonly byKey = new Map<string, Validated>();
  private builtin: SourceDir | undefined;

  /** `base`: the branch a commit without a config is taken to belong to (the defaults name it). */
  constructor(
    private readonly root: string,
    private readonly base: string,
  ) {}

  /** Throws what validation throws (invalid-data and friends) for definitions that do not validate. */
  async at(commit: string): Promise<Validated> {
    const files = await definitionFilesAt(this.root, commit, commit.slice(0, 12));
    const key = filesKey(files);
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const sources = await readDefinitionFiles(this.root, files);
    this.builtin ??= readJsonDir(BUILTIN_PHASES_DIR);
    const validated = validateDefinitions({ config: sources.config, phaseDirs: [this.builtin, sources.overrides] }, undefined, this.base, gitFileName(files, CONFIG_PATH));
    this.byKey.set(key, validated);
    return validated;
  }
}

/** The files' names and ids: equal keys, equal definitions. */
export function filesKey(files: Pick<DefinitionFiles, 'config' | 'phases'>): string {
  return [files.config ?? { path: '-', mode: '', oid: '' }, ...files.phases].map((f) => `${f.path}\0${f.mode}\0${f.oid}`).join('\0');
}
