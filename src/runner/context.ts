// Everything one runner invocation works with. Validation runs first, in a fixed order so
// the most fundamental problem is reported first (repository, commits, config, phases, git
// version, agent, base branch), and it has no side effects: bad input changes nothing.
import { existsSync, mkdirSync } from 'node:fs';
import type { AgentAdapter } from '../agents/types.js';
import { resolveAgent } from '../agents/registry.js';
import { loadConfig } from '../config/load.js';
import type { Config } from '../config/schema.js';
import { assertGitVersion, branchTip, discoverRepo, hasCommits, type RepoPaths } from '../git/repo.js';
import { fail } from '../failures.js';
import { loadPhaseSet, type PhaseSet } from '../phases/load.js';
import { BUILTIN_PHASES_DIR, configFile, overridePhasesDir, statePaths, type StatePaths } from '../paths.js';
import { openDb, openDbReadOnly, type Db } from '../store/db.js';
import { Store } from '../store/store.js';
import { planningController, planningWorkstream } from '../workstream/planning.js';
import type { Workstream, WorkstreamController } from '../workstream/types.js';
import type { Emit } from './events.js';

export interface Definitions {
  readonly repo: RepoPaths;
  readonly state: StatePaths;
  readonly config: Config;
  readonly phases: PhaseSet;
}

export interface Validated extends Definitions {
  readonly workstream: Workstream;
  readonly agent: AgentAdapter;
}

export interface Runner extends Validated {
  readonly controller: WorkstreamController;
  readonly store: Store;
  readonly emit: Emit;
}

/** Repository, config and phase definitions: what every verb needs. */
export async function openDefinitions(cwd: string): Promise<Definitions> {
  const repo = await discoverRepo(cwd);
  if (!(await hasCommits(repo.root))) fail({ reason: 'no-commits', dir: repo.root });
  const config = await loadConfig(repo.root);
  const phases = await loadPhaseSet(BUILTIN_PHASES_DIR, overridePhasesDir(repo.root));
  const ids = phases.phases.map((p) => p.def.id);
  const unknown = config.approvals.flatMap((phase, i) => (ids.includes(phase) ? [] : [{ path: `approvals[${i}]`, message: `there is no phase ${phase}; the phases are ${ids.join(', ')}` }]));
  if (unknown.length > 0) fail({ reason: 'invalid-data', file: configFile(repo.root), kind: 'config', issues: unknown });
  return { repo, state: statePaths(repo.commonDir), config, phases };
}

/** Everything a mutating verb needs to be true before it touches anything. */
export async function validateForRun(cwd: string): Promise<Validated> {
  const defs = await openDefinitions(cwd);
  await assertGitVersion(defs.repo.root);
  const agent = resolveAgent(defs.config, defs.config.agent, defs.repo.root, `"agent" in ${configFile(defs.repo.root)}`);
  agent.preflight();
  await branchTip(defs.repo.root, defs.config.base);
  return { ...defs, workstream: planningWorkstream(defs.phases, defs.config.approvals), agent };
}

/** Opens the store for a validated repository; call with the runner lock held. */
export function openRunner(v: Validated, emit: Emit): Runner {
  mkdirSync(v.state.runs, { recursive: true });
  mkdirSync(v.state.worktrees, { recursive: true });
  const store = new Store(openStore(v.state.db));
  store.ensureWorkstream(
    v.workstream.name,
    v.config.base,
    v.phases.phases.map((p) => ({ phase: p.def.id, name: p.def.name, role: p.def.role })),
  );
  return { ...v, controller: planningController(v.workstream), store, emit };
}

/**
 * The store, checked: a file that is not a database, or fails SQLite's quick check, is
 * refused (store-corrupt) before anything reads or writes it; `doctor --repair` rebuilds it.
 */
export function openStore(file: string): Db {
  let db: Db | undefined;
  try {
    db = openDb(file);
    quickCheck(db);
    return db;
  } catch (error) {
    db?.close();
    return refuseCorrupt(error, file);
  }
}

/** The same check on an existing store, read-only: nothing is created, migrated or written. */
export function checkStoreFile(file: string): void {
  if (!existsSync(file)) return;
  let db: Db | undefined;
  try {
    db = openDbReadOnly(file);
    quickCheck(db);
  } catch (error) {
    refuseCorrupt(error, file);
  } finally {
    db?.close();
  }
}

function quickCheck(db: Db): void {
  const check = String(db.pragma('quick_check', { simple: true }));
  if (check !== 'ok') throw Object.assign(new Error(check), { code: 'SQLITE_CORRUPT' });
}

/** Rethrows `error`, as store-corrupt (exit 65, with the way out) when SQLite says the file is damaged. */
function refuseCorrupt(error: unknown, file: string): never {
  const code = (error as { code?: unknown } | null)?.code;
  if (code === 'SQLITE_NOTADB' || code === 'SQLITE_CORRUPT') {
    fail({ reason: 'store-corrupt', file, detail: error instanceof Error ? error.message : String(error) });
  }
  throw error;
}

/**
 * Runs `fn` over the store opened read-only (undefined when there is none yet), closes it,
 * and turns SQLite's "damaged" errors, whenever they surface, into store-corrupt.
 */
export function withStoreReadOnly<T>(file: string, fn: (store: Store | undefined) => T): T {
  let store: Store | undefined;
  try {
    store = existsSync(file) ? new Store(openDbReadOnly(file)) : undefined;
    return fn(store);
  } catch (error) {
    return refuseCorrupt(error, file);
  } finally {
    store?.close();
  }
}
