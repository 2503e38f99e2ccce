// The attempt is contained: what lay outside its checkout when its agent started is what lies
// there when it ended (src/fingerprint/). Taken when the wrapper is launched, compared first
// thing when the attempt is collected, before any of the runner's own git reads what the
// agent may have planted. A change fails the attempt; the parts that are git's or
// phaserunner's own are put back first.
import { realpathSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { runFiles } from '../dispatch/run-dir.js';
import { worktreeGitDir } from '../git/worktree.js';
import { compareFingerprints, describeChange } from '../fingerprint/compare.js';
import { sameState, walkFiles } from '../fingerprint/file-state.js';
import { CACHE_FILE, takeFileStates, takeFingerprint, takeGitState, type Scope } from '../fingerprint/take.js';
import type { Change, Fingerprint } from '../fingerprint/types.js';
import { undoChanges } from '../fingerprint/undo.js';
import { weigh } from '../fingerprint/classify.js';
import type { RunRow } from '../store/store.js';
import { shellWord } from '../util/shell.js';
import type { Runner } from './context.js';
import { crashPoint } from './crash-points.js';
import { phaseOf } from '../workstream/step-id.js';

function scopeOf(r: Runner, run: RunRow, lastApprovalId: number, before?: Fingerprint): Scope {
  const files = runFiles(run.run_dir);
  const admin = before === undefined ? adminDir(run.worktree) : (before.agentAdminDir ?? undefined);
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
  };
}

function adminDir(worktree: string): string | undefined {
  const admin = worktreeGitDir(worktree);
  return admin === undefined ? undefined : realpathSync(admin);
}

/** Takes and records the fingerprint an attempt is held to; just before its wrapper starts. */
export async function fingerprintAttempt(r: Runner, run: RunRow): Promise<void> {
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
export async function checkContainment(r: Runner, run: RunRow): Promise<Containment> {
  const row = r.store.fingerprint(run.run_id);
  if (row === undefined) return { failure: undefined, reported: [] };
  const before = JSON.parse(row.data) as Fingerprint;
  const scope = scopeOf(r, run, before.lastApprovalId, before);
  const recorded = row.tampered === null ? [] : (JSON.parse(row.tampered) as string[]);
  // Files first, and put back before any git that could run what they name reads the
  // repository: a monitor or a filter planted in the config must not run in the runner.
  const now = await takeFileStates(scope);
  // A definitions cache written meanwhile is dropped, whoever wrote it: a status rebuilds it
  // (and it is signed besides: src/definitions/cache.ts).
  if (!sameState(before.cache, now.cache)) rmSync(join(r.state.dir, CACHE_FILE), { force: true });
  const files = compareFingerprints(before, { ...before, ...now });
  const forged = r.store.approvalsAfter(before.lastApprovalId).map((a) => a.id);
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
function record(r: Runner, run: RunRow, recorded: readonly string[], changes: readonly Change[]): string[] {
  const found = [...new Set([...recorded, ...changes.map(describeChange)])];
  if (found.length > recorded.length) r.store.markTampered(run.run_id, JSON.stringify(found));
  return found;
}

const SHOWN = 6;

function reasonFor(r: Runner, run: RunRow, found: readonly string[], left: readonly string[], keptIn: string | undefined): string {
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
