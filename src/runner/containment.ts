// The attempt is contained: what lay outside its checkout when its agent started is what lies
// there when it ended (src/fingerprint/). Taken when the wrapper is launched, compared first
// thing when the attempt is collected, before any of the runner's own git reads what the
// agent may have planted. A change fails the attempt; the parts that are git's or
// phaserunner's own are put back first.
import { existsSync, readdirSync, realpathSync, rmSync } from 'node:fs';
import { basename, dirname, join, resolve } from 'node:path';
import { runFiles } from '../dispatch/run-dir.js';
import { worktreeGitDir } from '../git/worktree.js';
import { compareFingerprints, describeChange } from '../fingerprint/compare.js';
import { sameState, walkFiles } from '../fingerprint/file-state.js';
import { CACHE_FILE, takeFileStatesSince, takeFingerprint, takeGitState, type Scope } from '../fingerprint/take.js';
import type { Change, Fingerprint } from '../fingerprint/types.js';
import { undoChanges } from '../fingerprint/undo.js';
import { weigh } from '../fingerprint/classify.js';
import type { RunRow, RunStep } from '../store/store.js';
import { shellWord } from '../util/shell.js';
import type { Runner } from './context.js';
import { provenDecision } from './approval-proof.js';
import { crashPoint } from './crash-points.js';
import { phaseOf } from '../workstream/step-id.js';

/** What containment needs of a runner: the execution runner passes a context of its own. */
export type ContainmentContext = Pick<Runner, 'repo' | 'state' | 'store'> & { readonly config: Pick<Runner['config'], 'base'> };

/** Runs whose agent may be at work, or whose attempt the runner is still taking in: their directories are written meanwhile. */
const IN_FLIGHT: ReadonlySet<RunStep> = new Set(['dispatched', 'committed']);

function scopeOf(r: ContainmentContext, run: RunRow, lastApprovalId: number, before?: Fingerprint): Scope {
  const files = runFiles(run.run_dir);
  const admin = before === undefined ? adminDir(run.worktree) : (before.agentAdminDir ?? undefined);
  const finished = before === undefined ? finishedRunDirs(r) : before.watchedRunDirs;
  return {
    commonDir: r.repo.commonDir,
    userCheckout: r.repo.worktree ? r.repo.root : undefined,
    agentWorktree: run.worktree,
    agentAdminDir: admin,
    agentBranch: run.branch,
    stateDir: r.state.dir,
    runDir: run.run_dir,
    runnerFiles: [files.prompt, files.spec, ...walkFiles(join(run.run_dir, 'git-hooks'))],
    lastApprovalId,
    runs: finished === undefined ? undefined : { dir: r.state.runs, finished, recorded: () => new Set(runEntries(r).keys()) },
    runnerWorktreeRoots: before === undefined ? runnerWorktreeRoots(r) : (before.runnerWorktreeRoots ?? []),
  };
}

/** The store's runs by their entry in runs/ (a run directory elsewhere has none). */
function runEntries(r: ContainmentContext): Map<string, RunStep> {
  const runs = resolve(r.state.runs);
  const entries = new Map<string, RunStep>();
  for (const row of r.store.runDirs()) {
    const dir = resolve(row.run_dir);
    if (dirname(dir) === runs) entries.set(basename(dir), row.step);
  }
  return entries;
}

/** The runs/ entries of the runs finished now: the ones a fingerprint taken now watches. */
function finishedRunDirs(r: ContainmentContext): string[] {
  const listed = new Set(existsSync(r.state.runs) ? readdirSync(r.state.runs) : []);
  return [...runEntries(r)].filter(([name, step]) => !IN_FLIGHT.has(step) && listed.has(name)).map(([name]) => name);
}

/**
 * Where the runner makes worktrees of its own: its agents' checkouts, and the merge queue's
 * integration checkouts, which live beside them. Resolved, so a record naming either form matches.
 */
export function runnerWorktreeRoots(r: Pick<Runner, 'state'>): string[] {
  const dir = r.state.worktrees;
  try {
    return [...new Set([resolve(dir), realpathSync(dir)])];
  } catch {
    return [resolve(dir)];
  }
}

function adminDir(worktree: string): string | undefined {
  const admin = worktreeGitDir(worktree);
  return admin === undefined ? undefined : realpathSync(admin);
}

/** Takes and records the fingerprint an attempt is held to; just before its wrapper starts. */
export async function fingerprintAttempt(r: ContainmentContext, run: RunRow): Promise<void> {
  const fingerprint = await takeFingerprint(scopeOf(r, run, r.store.lastApprovalId()));
  r.store.saveFingerprint(run.run_id, JSON.stringify(fingerprint));
}

/**
 * Why the attempt fails for what its agent changed outside its checkout, or undefined when it
 * changed nothing there (or was dispatched by a phaserunner that took no fingerprint).
 */
export interface Containment {
  /** Why the attempt fails, when it does. */
  readonly failure: string | undefined;
  /** What changed outside the checkout that does not fail it (classify.ts), in words. */
  readonly reported: readonly string[];
}

/**
 * What the agent changed outside its checkout: why the attempt fails for it, and what is only
 * reported. Nothing is found for a run dispatched by a phaserunner that took no fingerprint.
 */
export async function checkContainment(r: ContainmentContext, run: RunRow): Promise<Containment> {
  const row = r.store.fingerprint(run.run_id);
  if (row === undefined) return { failure: undefined, reported: [] };
  const taken = JSON.parse(row.data) as Fingerprint;
  const scope = scopeOf(r, run, taken.lastApprovalId, taken);
  const recorded = row.tampered === null ? [] : (JSON.parse(row.tampered) as string[]);
  // Files first, and put back before any git that could run what they name reads the
  // repository: a monitor or a filter planted in the config must not run in the runner.
  const { before, now } = await takeFileStatesSince(taken, scope);
  // A definitions cache written meanwhile is dropped, whoever wrote it: a status rebuilds it
  // (and it is signed besides: src/definitions/cache.ts).
  if (!sameState(before.cache, now.cache)) rmSync(join(r.state.dir, CACHE_FILE), { force: true });
  const files = compareFingerprints(before, { ...before, ...now });
  // A decision `approve` or `reject` recorded (a human's, while this agent worked on
  // something else) carries a valid proof; a row without one is forged.
  const forged = r.store
    .approvalsAfter(before.lastApprovalId)
    .filter((a) => !provenDecision(a))
    .map((a) => a.id);
  const early: Change[] = [...files, ...(forged.length > 0 ? [{ kind: 'approval' as const, ids: forged }] : [])];
  // Recorded before anything is put back: a runner killed half-way finds the changes gone on
  // its next pass, and must still fail the attempt for them.
  record(r, run, recorded, early);
  crashPoint('containment:recorded');
  const undoFiles = await undoChanges(early, { runDir: run.run_dir, cwd: r.repo.root });
  const rest = compareFingerprints(before, { ...before, ...(await takeGitState(scope)) });
  const failing: Change[] = [];
  const reported: string[] = [];
  for (const change of rest) {
    if ((await weigh(change, r.repo.commonDir)) === 'fails') failing.push(change);
    else reported.push(describeChange(change));
  }
  const found = record(r, run, recorded, [...early, ...failing]);
  if (found.length === 0) return { failure: undefined, reported };
  const undoRest = await undoChanges(failing, { runDir: run.run_dir, cwd: r.repo.root });
  return { failure: reasonFor(r, run, found, [...undoFiles.left, ...undoRest.left], undoFiles.keptIn ?? undoRest.keptIn), reported };
}

/** Records what was found (with what an earlier pass recorded); returns it all, in words. */
function record(r: ContainmentContext, run: RunRow, recorded: readonly string[], changes: readonly Change[]): string[] {
  const found = [...new Set([...recorded, ...changes.map(describeChange)])];
  if (found.length > recorded.length) r.store.markTampered(run.run_id, JSON.stringify(found));
  return found;
}

const SHOWN = 6;

function reasonFor(r: ContainmentContext, run: RunRow, found: readonly string[], left: readonly string[], keptIn: string | undefined): string {
  const list = (items: readonly string[]): string => (items.length > SHOWN ? `${items.slice(0, SHOWN).join('; ')}; and ${items.length - SHOWN} more` : items.join('; '));
  const parts = [`the agent changed things outside its checkout while it ran: ${list(found)}.`];
  const putBack = found.length - left.length;
  if (putBack > 0) parts.push(`phaserunner put back what is git's or its own${keptIn === undefined ? '' : ` (the agent's versions are kept in ${keptIn})`}.`);
  if (left.length > 0) {
    parts.push(
      `Not undone, because phaserunner cannot tell your own changes from the agent's: ${list(left)}. ` +
        `If you made them, retry (\`phaserunner retry ${phaseOf(run)}\`); if not, undo them first (a branch: \`git reflog ${shellWord(r.config.base)}\`, \`git update-ref\`).`,
    );
  }
  return parts.join(' ');
}
