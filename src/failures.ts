// Every expected failure the core can raise, as data. The CLI renders each `reason` in one
// exhaustive switch, so adding a reason without a user-facing message does not compile.

/** One validation problem: where (file and field path) and what is wrong. */
export interface Issue {
  readonly path: string;
  readonly message: string;
}

export type Failure =
  /** `bare`: it is a repository, but a bare one (no working tree for a verb that acts). */
  | { readonly reason: 'not-a-git-repo'; readonly dir: string; readonly bare?: true }
  | { readonly reason: 'no-commits'; readonly dir: string }
  | { readonly reason: 'git-missing' }
  | { readonly reason: 'git-too-old'; readonly version: string; readonly required: string }
  | { readonly reason: 'not-initialized'; readonly configFile: string }
  | { readonly reason: 'already-initialized'; readonly configFile: string }
  | { readonly reason: 'unreadable-file'; readonly file: string; readonly kind: DataKind | 'directory'; readonly detail: string }
  | { readonly reason: 'invalid-json'; readonly file: string; readonly kind: DataKind; readonly detail: string }
  | { readonly reason: 'invalid-data'; readonly file: string; readonly kind: DataKind; readonly issues: readonly Issue[] }
  | { readonly reason: 'unknown-agent'; readonly agent: string; readonly known: readonly string[]; readonly where: string }
  /** `type`: the agent's adapter type (scripted, command, claude, ...), which decides the fix. */
  | { readonly reason: 'agent-unavailable'; readonly agent: string; readonly type: string; readonly binary: string }
  /**
   * The agent is configured to run in a sandbox that cannot start here: bwrap is not on PATH
   * (missing), or it is and cannot set a sandbox up (refused: `detail` is its error). The agent
   * is never started without it.
   */
  | ({ readonly reason: 'sandbox-unavailable'; readonly agent: string; readonly sandbox: 'bubblewrap' } & SandboxProblem)
  | { readonly reason: 'base-missing'; readonly base: string }
  /** init cannot tell the base branch: HEAD is detached and there is no main. */
  | { readonly reason: 'base-unknown'; readonly dir: string }
  | { readonly reason: 'ref-missing'; readonly ref: string }
  /** `--ref` names both a branch and a tag (or a remote branch): which one is meant must be said. */
  | { readonly reason: 'ref-ambiguous'; readonly ref: string; readonly candidates: readonly string[] }
  | { readonly reason: 'store-corrupt'; readonly file: string; readonly detail: string }
  | { readonly reason: 'store-too-new'; readonly file: string; readonly version: number; readonly known: number }
  | { readonly reason: 'unknown-phase'; readonly phase: number; readonly known: readonly number[] }
  /** A run in flight belongs to a phase the definitions no longer have (an override was removed). */
  | { readonly reason: 'phase-gone'; readonly phase: number; readonly runId: string; readonly known: readonly number[] }
  | {
      readonly reason: 'retry-refused';
      readonly phase: number;
      readonly state: string;
      readonly attempts: number;
      readonly maxAttempts: number;
      readonly cause: 'not-failed' | 'attempts-used';
    }
  | {
      readonly reason: 'approval-refused';
      readonly phase: number;
      readonly verb: 'approve' | 'reject';
      readonly cause: 'not-awaiting' | 'branch-changed' | 'bad-name' | 'no-reason' | 'inside-attempt';
      /** The phase's state (not-awaiting) or what is wrong. */
      readonly detail: string;
    }
  /**
   * A verb that records who decided (`--by`) got no name: none given, and git's user.name is
   * not set (configured: null) or cannot be a trailer value (problem says why).
   */
  | { readonly reason: 'name-needed'; readonly verb: string; readonly option: string; readonly configured: string | null; readonly problem: string | null }
  | { readonly reason: 'unknown-attempt'; readonly phase: number; readonly attempt: number; readonly attempts: number }
  | { readonly reason: 'locked'; readonly lockFile: string; readonly pid: number; readonly host: string; readonly since: string }
  | { readonly reason: 'demo-dir-not-empty'; readonly dir: string }
  /** `timedOutMinutes`: git ran past timeouts.git_minutes and phaserunner stopped it. */
  | { readonly reason: 'git-failed'; readonly command: string; readonly exitCode: number | null; readonly stderr: string; readonly timedOutMinutes?: number }
  /** commit.gpgsign is on, and git could not sign one of phaserunner's commits (or the check before a run). */
  | { readonly reason: 'signing-failed'; readonly stderr: string }
  /**
   * The checkout's definitions (config, phase overrides, INTENT.md) differ from what the base
   * branch has committed, which is what governs a run. `branch`: the checkout's branch, when known.
   */
  | { readonly reason: 'definitions-uncommitted'; readonly base: string; readonly files: readonly string[]; readonly branch: string | undefined }
  /** A verb that acts, in a shallow clone: what was planned before the cut cannot be known. */
  | { readonly reason: 'shallow-clone'; readonly dir: string }
  /** `replan` or `acknowledge` cannot be recorded: `detail` says why, for the cause's message. */
  | {
      readonly reason: 'record-refused';
      readonly verb: 'replan' | 'acknowledge';
      readonly phase: number;
      readonly cause: 'bad-name' | 'no-reason' | 'running' | 'nothing-to-do';
      readonly detail: string;
    }
  /** A recorded replan or acknowledgement cannot reach the base branch yet; nothing runs until it has. */
  | { readonly reason: 'record-waiting'; readonly kind: 'replan' | 'acknowledge'; readonly phase: number; readonly detail: string }
  /** `run --workstream execution` before planning merged its last phase (`phase`: the first not done). */
  | { readonly reason: 'planning-incomplete'; readonly phase: number | undefined; readonly base: string }
  /** The plan on the base cannot be executed: missing, not JSON, or invalid (each problem names its field). */
  | { readonly reason: 'plan-invalid'; readonly file: string; readonly base: string; readonly problems: readonly string[] }
  | { readonly reason: 'unknown-task'; readonly task: string; readonly known: readonly string[] }
  /** `retry T-003` of a task that is not failed or in conflict. */
  | { readonly reason: 'task-retry-refused'; readonly task: string; readonly state: string }
  | {
      readonly reason: 'task-approval-refused';
      readonly task: string;
      readonly verb: 'approve' | 'reject';
      readonly cause: 'not-awaiting' | 'branch-changed' | 'bad-name' | 'no-reason' | 'inside-attempt';
      readonly detail: string;
    }
  | { readonly reason: 'unknown-workstream'; readonly workstream: string; readonly known: readonly string[] };

/** Why a configured sandbox cannot be used on this machine (dispatch/sandbox.ts). */
export type SandboxProblem = { readonly cause: 'missing' } | { readonly cause: 'refused'; readonly detail: string };

/** The kinds of file the runner validates; named in messages so users know which format was expected. */
export type DataKind = 'config' | 'phase definition' | 'gate definition' | 'exit.json' | 'dispatch spec';

/** An expected failure carried through the core as an exception; the CLI turns it into a message and exit code. */
export class PhaserunnerError extends Error {
  readonly failure: Failure;
  constructor(failure: Failure, options?: { cause?: unknown }) {
    super(`phaserunner: ${failure.reason}`, options);
    this.name = 'PhaserunnerError';
    this.failure = failure;
  }
}

/** Throws a typed failure; a one-liner so call sites read as the condition they check. */
export function fail(failure: Failure, cause?: unknown): never {
  throw new PhaserunnerError(failure, cause === undefined ? undefined : { cause });
}

/** Marks code that the type system proves unreachable. */
export function unreachable(value: never): never {
  throw new Error(`unreachable: ${JSON.stringify(value)}`);
}
