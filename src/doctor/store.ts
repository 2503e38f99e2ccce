// The store: sound, missing (the next run creates it, restoring from git what was merged), or
// damaged, which --repair fixes: the damaged file is moved aside (never deleted) and the store
// rebuilt from git history.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { PhaserunnerError } from '../failures.js';
import type { StatePaths } from '../paths.js';
import { crashPoint } from '../runner/crash-points.js';
import type { Emit } from '../runner/events.js';
import { withRunner } from '../runner/session.js';
import { checkStoreFile } from '../runner/store-open.js';
import { nowIso } from '../util/time.js';
import { passed, problem, type DoctorCheck } from './types.js';

const REPAIR = 'Run `phaserunner doctor --repair`: it moves what is damaged aside (nothing is deleted) and rebuilds it from git.';

/**
 * `blocker`: a failed check that a repair needs fixed first (the base branch, whose history
 * the store is rebuilt from; an active agent the config does not define), else undefined.
 */
/**
 * `disagreement`: what the store lacks that git has (store-agrees.ts), asked only of a store
 * that is not damaged, and only when the definitions could be read.
 */
export async function checkStore(
  cwd: string,
  state: StatePaths,
  repair: boolean,
  emit: Emit,
  blocker: DoctorCheck | undefined,
  disagreement?: () => Promise<string | undefined>,
): Promise<DoctorCheck> {
  const details = { file: state.db };
  const sound = passed('store', `the store ${state.db} is sound and agrees with git`, details);
  if (!existsSync(state.db)) return passed('store', NO_STORE(state.db), details);
  const damaged = storeProblem(state.db);
  const disagrees = damaged === undefined ? await disagreement?.() : undefined;
  const store = damaged ?? (disagrees === undefined ? undefined : `the store ${state.db} disagrees with git: ${disagrees}`);
  if (store === undefined) return sound;
  if (blocker !== undefined) return problem('store', 'fail', store, `First fix the ${blocker.name} check above; then ${REPAIR.charAt(0).toLowerCase()}${REPAIR.slice(1)}`, details);
  if (!repair) return problem('store', 'fail', store, REPAIR, details);
  mkdirSync(state.dir, { recursive: true });
  // Under the runner lock: the store is moved aside, then the usual start rebuilds it from git
  // (session.ts) because the new one has no runs.
  const repaired: { moved?: string } = {};
  // No agent runs: a missing agent program is the agent check's business, not the repair's.
  await withRunner(cwd, emit, () => Promise.resolve(), {
    preflight: false,
    beforeOpen: (locked) => {
      // A damaged one is checked again under the lock: another runner may have repaired it
      // meanwhile. (One that disagrees is moved aside regardless: rebuilding from git again
      // loses nothing git has, and the old file is kept.)
      if (disagrees !== undefined || storeProblem(locked.state.db) !== undefined) {
        repaired.moved = moveAside(locked.state.db);
        crashPoint('doctor:moved-aside');
      }
    },
  });
  if (repaired.moved === undefined) return sound;
  const was = damaged === undefined ? store.replace(' disagrees ', ' disagreed ') : store.replace(' is damaged ', ' was damaged ');
  return passed('store', was, details, `moved the ${damaged === undefined ? 'store that disagreed with git' : 'damaged store'} to ${repaired.moved} and rebuilt it from git history`);
}

const NO_STORE = (db: string): string => `there is no store yet (${db}); the next \`phaserunner run\` creates it, and restores what git shows was merged`;

/** Why the store cannot be used, or undefined when it can (a missing one is rebuilt on the next run). */
function storeProblem(db: string): string | undefined {
  try {
    checkStoreFile(db);
    return undefined;
  } catch (error) {
    if (error instanceof PhaserunnerError && error.failure.reason === 'store-corrupt') return `the store ${db} is damaged (${error.failure.detail})`;
    throw error;
  }
}

/** Renames the store and its WAL files aside; returns the new name of the store. */
function moveAside(db: string): string {
  const aside = `${db}.damaged-${nowIso().replace(/[:.]/g, '-')}`; // the name scripts already know, whatever the reason
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(db + suffix)) renameSync(db + suffix, aside + suffix);
  return aside;
}
