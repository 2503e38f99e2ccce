// What lay outside an attempt's checkout when its agent started, and what changed by the time
// it ended. An agent (or anything it started) can reach far past its checkout: the shared git
// directory's config, hooks and refs, phaserunner's own state, the user's checkout. Nothing
// there is the agent's to change, so a change found is the attempt's failure, and the parts
// that are git's or phaserunner's own are put back (docs/containment.md).

/** One file as it was: content for the small ones (so it can be put back), identity for the rest. */
export type FileState =
  | { readonly kind: 'missing' }
  | { readonly kind: 'dir' }
  | { readonly kind: 'symlink'; readonly target: string }
  | { readonly kind: 'file'; readonly mode: number; readonly size: number; readonly sha256: string; readonly content?: string }
  /** Not kept (too large, or not ours to put back): its inode, size and change time (which no user can set back) identify it. */
  | { readonly kind: 'large'; readonly mode: number; readonly size: number; readonly ino: number; readonly ctimeNs: string }
  | { readonly kind: 'other'; readonly mode: number };

/** Which part of the world a file belongs to, which decides whether a change is put back. */
export type Area =
  /** git's config files (every scope, includes followed), and the files they name (excludes, attributes). */
  | 'git-config'
  | 'git-hooks'
  /** $GIT_COMMON_DIR/info, alternates, shallow, HEAD, other worktrees' administrative files. */
  | 'git-dir'
  | 'phaserunner-state';

export interface Fingerprint {
  readonly version: 1;
  /** The agent's checkout's administrative directory when the fingerprint was taken (it can break its checkout meanwhile). */
  readonly agentAdminDir: string | null;
  /** The definitions cache: changed meanwhile, it is dropped (it is only a cache), never a failure. */
  readonly cache: FileState;
  /** Absolute path -> state, per area. */
  readonly files: Readonly<Record<string, { readonly area: Area; readonly state: FileState }>>;
  /** Every ref but the agent's own branch -> its object id (or `ref: <target>` for a symbolic one). */
  readonly refs: Readonly<Record<string, string>>;
  /** The user's checkout: changed and untracked paths with their identity, and the flagged index entries. */
  readonly checkout: CheckoutState | null;
  /** The highest approval row id in the store: an approval written after it while an agent ran counts only with a valid proof. */
  readonly lastApprovalId: number;
  /**
   * The entries of the state directory's runs/ that are watched: every one there when the
   * fingerprint was taken but the runs then in flight (their wrappers write them) and this
   * run's. An entry created later that is no run in the store is watched too (as created).
   * Absent in a fingerprint taken before runs ran in parallel: every other run's files are.
   */
  readonly watchedRunDirs?: readonly string[];
  /**
   * Directories the runner makes its own worktrees in (its agents' and its integration
   * checkouts): the records in $GIT_COMMON_DIR/worktrees/ of worktrees there, but the agent's
   * own, are the runner's to add and remove while the agent works, so not watched. Absent in
   * an older fingerprint: every other worktree's record is.
   */
  readonly runnerWorktreeRoots?: readonly string[];
}

export interface CheckoutState {
  readonly root: string;
  /** Path -> "<mode> <size> <ino> <ctime ns>" (or "missing"), for every path `git status` lists. */
  readonly paths: Readonly<Record<string, string>>;
  /** Path -> flag for index entries marked skip-worktree (S) or assume-unchanged (lower case). */
  readonly flags: Readonly<Record<string, string>>;
}

export type Change =
  | { readonly kind: 'file'; readonly area: Area; readonly path: string; readonly before: FileState; readonly after: FileState }
  | { readonly kind: 'ref'; readonly ref: string; readonly before: string | undefined; readonly after: string | undefined }
  | { readonly kind: 'checkout'; readonly path: string; readonly what: 'changed' | 'flag' }
  | { readonly kind: 'approval'; readonly ids: readonly number[] };
