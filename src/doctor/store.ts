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
export async function checkStore(cwd: string, state: StatePaths, repair: boolean, emit: Emit, blocker: DoctorCheck | undefined): Promise<DoctorCheck> {
  const details = { file: state.db };
  const sound = passed('store', `the store ${state.db} is sound`, details);
  if (!existsSync(state.db)) return passed('store', NO_STORE(state.db), details);
  const store = storeProblem(state.db);
  if (store === undefined) return sound;
  if (blocker !== undefined) return problem('store', 'fail', store, `First fix the ${blocker.name} check above; then ${REPAIR.charAt(0).toLowerCase()}${REPAIR.slice(1)}`, details);
  if (!repair) return problem('store', 'fail', store, REPAIR, details);
  mkdirSync(state.dir, { recursive: true });
  // Under the runner lock: the damaged file is moved aside, then the usual start rebuilds
  // the store from git (session.ts) because the new one has no runs.
  const repaired: { moved?: string } = {};
  // No agent runs: a missing agent program is the agent check's business, not the repair's.
  await withRunner(cwd, emit, () => Promise.resolve(), {
    preflight: false,
    beforeOpen: (locked) => {
      // Checked again under the lock: another runner may have repaired it meanwhile.
      if (storeProblem(locked.state.db) !== undefined) {
        repaired.moved = moveAside(locked.state.db);
        crashPoint('doctor:moved-aside');
      }
    },
  });
  if (repaired.moved === undefined) return sound;
  return passed('store', store.replace(' is damaged ', ' was damaged '), details, `moved the damaged store to ${repaired.moved} and rebuilt it from git history`);
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
  const aside = `${db}.damaged-${nowIso().replace(/[:.]/g, '-')}`;
  for (const suffix of ['', '-wal', '-shm']) if (existsSync(db + suffix)) renameSync(db + suffix, aside + suffix);
  return aside;
}
