// `phaserunner doctor [--repair]`: what is wrong with this repository's phaserunner state,
// and, with --repair, the documented recovery. Today it checks the store; a damaged store is
// moved aside (never deleted) and rebuilt from git history.
import { existsSync, mkdirSync, renameSync } from 'node:fs';
import { PhaserunnerError } from '../failures.js';
import { nowIso } from '../util/time.js';
import { openDefinitions } from './definitions.js';
import { checkStoreFile } from './store-open.js';
import type { Emit } from './events.js';
import { withRunner } from './session.js';
import { crashPoint } from './crash-points.js';

export interface DoctorCheck {
  readonly name: 'store';
  readonly ok: boolean;
  readonly message: string;
  /** What --repair did about it, when it did something. */
  readonly repaired: string | null;
}

export interface DoctorReport {
  readonly ok: boolean;
  readonly checks: readonly DoctorCheck[];
}

export async function doctor(cwd: string, repair: boolean, emit: Emit): Promise<DoctorReport> {
  // The definitions only: the agent's program need not be installed to look at the store.
  const v = await openDefinitions(cwd);
  if (!existsSync(v.state.db)) return report([{ name: 'store', ok: true, message: NO_STORE(v.state.db), repaired: null }]);
  const store = storeProblem(v.state.db);
  if (store === undefined) return report([{ name: 'store', ok: true, message: `the store ${v.state.db} is sound`, repaired: null }]);
  if (!repair) return report([{ name: 'store', ok: false, message: store, repaired: null }]);
  mkdirSync(v.state.dir, { recursive: true });
  // Under the runner lock: the damaged file is moved aside, then the usual start rebuilds
  // the store from git (session.ts) because the new one has no runs.
  const repaired: { moved?: string } = {};
  await withRunner(cwd, emit, () => Promise.resolve(), {
    beforeOpen: (locked) => {
      // Checked again under the lock: another runner may have repaired it meanwhile.
      if (storeProblem(locked.state.db) !== undefined) {
        repaired.moved = moveAside(locked.state.db);
        crashPoint('doctor:moved-aside');
      }
    },
  });
  if (repaired.moved === undefined) return report([{ name: 'store', ok: true, message: `the store ${v.state.db} is sound`, repaired: null }]);
  return report([{ name: 'store', ok: true, message: store.replace(' is damaged ', ' was damaged '), repaired: `moved the damaged store to ${repaired.moved} and rebuilt it from git history` }]);
}

const NO_STORE = (db: string): string => `there is no store yet (${db}); the next \`phaserunner run\` creates it, and restores what git shows was merged`;

function report(checks: DoctorCheck[]): DoctorReport {
  return { ok: checks.every((c) => c.ok), checks };
}

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
