// The definitions that governed each merge: those committed at the commit its run started
// from (the phase commit's parent), with the built-in phases. Read through the TreeStore
// (synchronous, may stop with NOT_LOADED: call it inside `settle`), validated once per version
// of the files: a long history has a handful of versions, not one per merge.
//
// The built-in phases are this phaserunner's, and they change between releases (planning
// complete required plan version 2 from issue 17 on). A merge an older phaserunner made
// records the Definitions-Digest of its own built-in phases: when today's do not give it, the
// retired sets phaserunner ships (phases/retired/, src/definitions/retired.ts) are tried, and
// the merge is judged by the one that gives exactly the digest it records.
import { filesKey } from '../definitions/at-commit.js';
import { definitionsDigest } from '../definitions/digest.js';
import type { GitFile } from '../definitions/git-files.js';
import { validateDefinitions } from '../definitions/validate.js';
import { describeDefinitionsFailure } from '../definitions/describe.js';
import { PhaserunnerError } from '../failures.js';
import { CONFIG_PATH, OVERRIDES_PATH } from '../paths.js';
import type { Source, SourceDir } from '../util/sources.js';
import { planningOf } from '../workstream/registry.js';
import type { Workstream } from '../workstream/types.js';
import type { TreeFiles } from './tree-files.js';

export interface Governed {
  readonly workstream: Workstream;
  /** Why the definitions at that commit could not be used (today's stand in); undefined when they were. */
  readonly problem: string | undefined;
}

const TREE = '40000';
const REGULAR = new Set(['100644', '100755']);

export class AuditDefinitions {
  private readonly byKey = new Map<string, Governed>();
  private retiredSets: readonly SourceDir[] | undefined;

  /**
   * `today`: the workstream of the audited tip, which stands in where a commit's definitions
   * cannot be read. `retired`: the built-in phases of earlier phaserunners, read when first needed.
   */
  constructor(
    private readonly files: TreeFiles,
    private readonly builtin: SourceDir,
    private readonly base: string,
    private readonly today: Workstream,
    private readonly retired: () => readonly SourceDir[] = () => [],
  ) {}

  /** The workstream governing a run that started at `commit`, with this phaserunner's built-in phases. */
  at(commit: string): Governed {
    return this.with(commit, this.builtin);
  }

  /**
   * The workstream that governed a merge of `phase` whose run started at `commit` and which
   * records the Definitions-Digest `recorded`: the definitions committed there with this
   * phaserunner's built-in phases, or, when those do not give `recorded`, with the first
   * retired set of built-in phases that does. Without a recorded digest (a merge older than the
   * trailer), or when none gives it (a finding for the caller), today's built-in phases.
   */
  governing(commit: string, phase: number | undefined, recorded: string | undefined): Governed {
    const current = this.at(commit);
    if (phase === undefined || recorded === undefined || current.problem !== undefined || digestOf(current, phase) === recorded) return current;
    this.retiredSets ??= this.retired();
    for (const builtin of this.retiredSets) {
      const earlier = this.with(commit, builtin);
      if (earlier.problem === undefined && digestOf(earlier, phase) === recorded) return earlier;
    }
    return current;
  }

  private with(commit: string, builtin: SourceDir): Governed {
    const root = `${commit}^{tree}`;
    if (this.files.store.tree(root) === undefined) return { workstream: this.today, problem: `commit ${commit.slice(0, 12)} is not in this repository (a shallow clone?)` };
    const config = this.file(root, CONFIG_PATH);
    const dir = this.files.entry(root, OVERRIDES_PATH);
    const phases: GitFile[] = [];
    if (dir?.mode === TREE) {
      for (const e of this.files.store.tree(dir.oid)?.entries ?? []) {
        if (e.name.endsWith('.json') && e.mode !== TREE) phases.push({ path: `${OVERRIDES_PATH}/${e.name}`, mode: e.mode, oid: e.oid });
      }
    }
    const key = `${builtin.dir}\0${filesKey({ config, phases })}`;
    const known = this.byKey.get(key);
    if (known !== undefined) return known;
    const label = commit.slice(0, 12);
    const source = (f: GitFile): Source => {
      const file = `${label}:${f.path}`;
      if (!REGULAR.has(f.mode)) return { file, error: Object.assign(new Error(`it is not a regular file in git (mode ${f.mode})`), { code: 'EISDIR' }) };
      const text = this.files.store.text(f.oid);
      return text === undefined ? { file, error: Object.assign(new Error('its blob is missing'), { code: 'EIO' }) } : { file, text };
    };
    // Every blob is asked for before any is validated, so one round of reads fetches them all.
    const texts = [...(config === undefined ? [] : [config]), ...phases].map((f) => () => source(f));
    const sources = collect(texts);
    let governed: Governed;
    try {
      const overrides: SourceDir = { dir: `${label}:${OVERRIDES_PATH}`, files: sources.slice(config === undefined ? 0 : 1) };
      const v = validateDefinitions({ config: config === undefined ? undefined : sources[0], phaseDirs: [builtin, overrides] }, undefined, this.base, `${label}:${CONFIG_PATH}`);
      governed = { workstream: planningOf(v), problem: undefined };
    } catch (error) {
      if (!(error instanceof PhaserunnerError)) throw error;
      governed = { workstream: this.today, problem: describeDefinitionsFailure(error.failure) ?? error.failure.reason };
    }
    this.byKey.set(key, governed);
    return governed;
  }

  private file(root: string, path: string): GitFile | undefined {
    const entry = this.files.entry(root, path);
    return entry === undefined ? undefined : { path, mode: entry.mode, oid: entry.oid };
  }
}

function digestOf(governed: Governed, phase: number): string | undefined {
  const step = governed.workstream.stepForPhase(phase);
  return step === undefined ? undefined : definitionsDigest(step);
}

/** Runs every read, so that each missing blob is noted, then rethrows the first stop. */
function collect(reads: readonly (() => Source)[]): Source[] {
  const out: Source[] = [];
  let stopped: unknown;
  for (const read of reads) {
    try {
      out.push(read());
    } catch (error) {
      stopped ??= error;
    }
  }
  // Rethrown as it came: the TreeStore's NOT_LOADED, which `settle` waits for.
  if (stopped !== undefined) throw stopped as Error;
  return out;
}
