// The doctor's report: one check per thing that must be true for phaserunner to work here,
// each with what to do when it is not. The JSON shape only grows: {ok, checks: [{name, ok,
// message, repaired}]} is what the first doctor printed, and scripts may read it.

export type CheckLevel = 'ok' | 'warn' | 'fail';

/** Per check name, what else the check found (snake_case: it is printed as JSON as is). */
export interface CheckDetails {
  readonly git: { readonly version: string | null; readonly required: string; readonly path: string | null };
  readonly node: { readonly version: string; readonly required: string | null };
  /** subreaper: the dispatch wrapper can adopt what an agent abandons; python: the python3 that makes it one; error: why it cannot. */
  readonly containment: { readonly subreaper: boolean; readonly python: string | null; readonly error: string | null };
  readonly repository: { readonly path: string | null };
  readonly definitions: DefinitionsDetails;
  readonly agent: AgentDetails;
  /** The agents configured to run in bubblewrap, where bwrap was found, and why it cannot be used. */
  readonly sandbox: { readonly agents: readonly string[]; readonly active: boolean; readonly path: string | null; readonly error: string | null };
  readonly base: { readonly branch: string };
  readonly store: { readonly file: string };
  readonly checkout: { readonly branch: string; readonly path: string | null; readonly operation: CheckoutOperation | null };
  readonly worktrees: { readonly dir: string; readonly stale: readonly string[] };
  readonly lock: LockDetails;
  readonly stragglers: { readonly processes: readonly StragglerDetails[] };
  /** enabled: commit.gpgsign is on; error: why git could not sign, when it could not. */
  readonly signing: { readonly enabled: boolean; readonly error: string | null };
}

export type CheckName = keyof CheckDetails;

export interface DefinitionsDetails {
  /** The base branch they were read from, when they could be. */
  readonly base: string | null;
  readonly problem: 'not-initialized' | 'uncommitted' | 'invalid' | null;
  /** The checkout's files that differ from the committed ones. */
  readonly files: readonly string[];
}

export interface AgentDetails {
  readonly agent: string;
  /** The adapter type from config; null when "agent" names an agent the config does not define. */
  readonly type: string | null;
  /** Whether it is the agent named by "agent" (the one every phase runs). */
  readonly active: boolean;
  /** The program as configured (null for the built-in scripted agent). */
  readonly program: string | null;
  /** Where it was found; null when it was not. */
  readonly path: string | null;
  readonly version: string | null;
  /** Why there is no version although the program was found. */
  readonly version_error: string | null;
}

/** A process of one of the repository's attempts that runs with no wrapper to stop it. */
export interface StragglerDetails {
  readonly pid: number;
  readonly command: string;
  /** The run its environment names; null when it is listed for working in a phase checkout. */
  readonly run_id: string | null;
  readonly cwd: string | null;
}

/** What keeps a checkout busy: git refuses to fast-forward it, or (rebase) ending it would move the branch. */
export type CheckoutOperation = 'merge' | 'cherry-pick' | 'rebase';

export interface LockDetails {
  readonly file: string;
  readonly pid: number | null;
  readonly host: string | null;
  readonly since: string | null;
  /** Whether the holder runs; null when there is no holder, or it is on another host (cannot be told). */
  readonly alive: boolean | null;
}

interface CheckBase<N extends CheckName> {
  readonly name: N;
  /** False only for a failing check: a warning leaves it (and the report) ok. */
  readonly ok: boolean;
  readonly level: CheckLevel;
  readonly message: string;
  /** What to do about it; null when nothing needs doing. */
  readonly fix: string | null;
  /** What --repair did about it, when it did something. */
  readonly repaired: string | null;
  readonly details: CheckDetails[N];
}

export type DoctorCheck = { [N in CheckName]: CheckBase<N> }[CheckName];

export interface DoctorReport {
  /** True when no check failed (warnings allowed). */
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}

/** A check that passed. */
export function passed<N extends CheckName>(name: N, message: string, details: CheckDetails[N], repaired: string | null = null): CheckBase<N> {
  return { name, ok: true, level: 'ok', message, fix: null, repaired, details };
}

/** A check that found something to fix: `warn` leaves phaserunner working, `fail` does not. */
export function problem<N extends CheckName>(name: N, level: 'warn' | 'fail', message: string, fix: string, details: CheckDetails[N]): CheckBase<N> {
  return { name, ok: level === 'warn', level, message, fix, repaired: null, details };
}

export function reportOf(checks: readonly DoctorCheck[]): DoctorReport {
  return { ok: checks.every((c) => c.ok), checks };
}
