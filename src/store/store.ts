// The store's contract: the runner's view of workstreams, phases, runs, transitions and
// gate results. Every write runs in BEGIN IMMEDIATE, so two processes never interleave a
// read-modify-write; composite updates use `write()` to commit together or not at all.
import type { CheckResult } from '../gates/types.js';
import { assertTransition, type PhaseState } from '../workstream/states.js';
import { canTaskTransition, isTaskState, type TaskState } from '../execution/task-states.js';
import { nowIso } from '../util/time.js';
import type { Db } from './db.js';

/** Where a run is between dispatch and merge; `superseded`: a replan took its phase back after its commit, before its merge. */
export type RunStep = 'dispatched' | 'committed' | 'merged' | 'failed' | 'conflict' | 'rejected' | 'superseded';

export interface WorkstreamRow {
  readonly name: string;
  readonly base: string;
  readonly current: string | null;
  readonly created_at: string;
  readonly completed_at: string | null;
}

export interface PhaseRow {
  readonly workstream: string;
  readonly step_id: string;
  readonly name: string;
  readonly role: string;
  readonly state: PhaseState;
  readonly attempts: number;
  readonly branch: string | null;
  readonly commit_sha: string | null;
  readonly merge_sha: string | null;
  readonly reason: string | null;
  readonly updated_at: string;
  /** Attempts spent before the phase was last replanned (0 in a store older than replans). */
  readonly attempts_base?: number;
}

/** An execution task's row: a step whose state is a task state. */
export type TaskRow = Omit<PhaseRow, 'state'> & { readonly state: TaskState };

export interface RunRow {
  readonly run_id: string;
  readonly workstream: string;
  readonly step_id: string;
  readonly attempt: number;
  readonly agent: string;
  readonly step: RunStep;
  readonly branch: string;
  readonly worktree: string;
  readonly run_dir: string;
  readonly base_sha: string;
  readonly wrapper_pid: number | null;
  /** The attempt's current launch (dispatch/claim.ts); null for runs recorded before it was kept here. */
  readonly launch: number | null;
  readonly dispatched_at: string;
  readonly finished_at: string | null;
  readonly exit_code: number | null;
  readonly signal: string | null;
  readonly duration_ms: number | null;
  readonly tokens_in: number | null;
  readonly tokens_out: number | null;
  readonly cost_usd: number | null;
  readonly commit_sha: string | null;
  readonly merge_sha: string | null;
  readonly failure: string | null;
}

export interface TransitionRow {
  readonly id: number;
  readonly workstream: string;
  readonly step_id: string;
  readonly run_id: string | null;
  readonly from_state: PhaseState | null;
  readonly to_state: PhaseState;
  readonly reason: string;
  readonly at: string;
}

export interface GateRow {
  readonly id: number;
  readonly workstream: string;
  readonly step_id: string;
  readonly run_id: string | null;
  readonly target: string;
  readonly moment: 'beforeDispatch' | 'beforeAdvance';
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
  readonly evaluated_at: string;
}

export interface ApprovalRow {
  readonly id: number;
  readonly workstream: string;
  readonly step_id: string;
  readonly run_id: string;
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly note: string | null;
  readonly commit_sha: string;
  readonly digest: string;
  readonly at: string;
  /** The proof `approve`/`reject` recorded it (src/runner/approval-proof.ts); null without one (a store rebuilt from git, or an older phaserunner). */
  readonly proof?: string | null;
}

/** `at` defaults to now; a store rebuilt from git gives the time the Approved-At trailer records. */
export interface RecordRow {
  readonly id: number;
  readonly workstream: string;
  readonly kind: 'replan' | 'acknowledge';
  readonly step_id: string;
  readonly by: string;
  readonly reason: string;
  readonly at: string;
  readonly commit_sha: string;
  /** An acknowledgement's: the digest of the phase's outputs it accepts. */
  readonly digest: string | null;
  /** 0 not yet on the base branch, 1 published, 2 dropped. */
  readonly published: number;
}

export type NewRecord = Omit<RecordRow, 'id' | 'published'> & { readonly published?: number };

export type NewApproval = Omit<ApprovalRow, 'id' | 'at'> & { readonly at?: string };

export type NewRun = Pick<
  RunRow,
  'run_id' | 'workstream' | 'step_id' | 'attempt' | 'agent' | 'branch' | 'worktree' | 'run_dir' | 'base_sha'
>;

export interface FingerprintRow {
  readonly run_id: string;
  readonly taken_at: string;
  /** JSON of a Fingerprint (src/fingerprint/types.ts). */
  readonly data: string;
  /** JSON of the Change list found when the agent ended, once found. */
  readonly tampered: string | null;
}

export type RunPatch = Partial<Omit<RunRow, 'run_id' | 'workstream' | 'step_id' | 'attempt'>>;
type PhasePatch = Partial<Pick<PhaseRow, 'branch' | 'commit_sha' | 'merge_sha' | 'attempts'>> & { readonly attempts_base?: number };

export class Store {
  // Every store it is given is at the latest schema: openDb migrates the file, and
  // openDbReadOnly reads an older one through a copy migrated in memory.
  constructor(private readonly db: Db) {}

  close(): void {
    this.db.close();
  }

  /** Runs `fn` in one BEGIN IMMEDIATE transaction (or inside the caller's, when nested). */
  write<T>(fn: () => T): T {
    if (this.db.inTransaction) return fn();
    return this.db.transaction(fn).immediate();
  }

  /** Creates the workstream and any phase rows it lacks; keeps existing history. */
  ensureWorkstream(name: string, base: string, phases: readonly { step_id: string; name: string; role: string }[]): void {
    this.write(() => {
      const now = nowIso();
      this.db
        .prepare('INSERT INTO workstreams (name, base, current, created_at) VALUES (?, ?, ?, ?) ON CONFLICT(name) DO UPDATE SET base = excluded.base')
        .run(name, base, phases[0]?.step_id ?? null, now);
      const insert = this.db.prepare(
        `INSERT INTO steps (workstream, step_id, name, role, state, updated_at) VALUES (?, ?, ?, ?, 'pending', ?)
         ON CONFLICT(workstream, step_id) DO NOTHING`,
      );
      for (const p of phases) insert.run(name, p.step_id, p.name, p.role, now);
    });
  }

  workstream(name: string): WorkstreamRow | undefined {
    return this.db.prepare('SELECT * FROM workstreams WHERE name = ?').get(name) as WorkstreamRow | undefined;
  }

  setCurrent(name: string, current: string | null): void {
    this.write(() => {
      this.db
        .prepare('UPDATE workstreams SET current = ?, completed_at = ? WHERE name = ?')
        .run(current, current === null ? nowIso() : null, name);
    });
  }

  phases(workstream: string): PhaseRow[] {
    return this.db.prepare('SELECT * FROM steps WHERE workstream = ? ORDER BY CAST(step_id AS INTEGER), step_id').all(workstream) as PhaseRow[];
  }

  phase(workstream: string, stepId: string): PhaseRow | undefined {
    return this.db.prepare('SELECT * FROM steps WHERE workstream = ? AND step_id = ?').get(workstream, stepId) as
      | PhaseRow
      | undefined;
  }

  /**
   * Moves a phase to a new state and appends the transition, atomically. A transition the
   * state machine forbids throws: it means a bug in the runner, never bad user input.
   */
  transition(workstream: string, stepId: string, runId: string | null, to: PhaseState, reason: string, patch: PhasePatch = {}): void {
    this.applyTransition(workstream, stepId, runId, to, reason, patch, (from) => {
      assertTransition(from as PhaseState, to, stepId);
    });
  }

  /** The same for an execution task, by the task state machine (src/execution/task-states.ts). */
  transitionTask(workstream: string, taskId: string, runId: string | null, to: TaskState, reason: string, patch: PhasePatch = {}): void {
    this.applyTransition(workstream, taskId, runId, to, reason, patch, (from) => {
      if (!isTaskState(from) || !canTaskTransition(from, to)) throw new Error(`illegal transition for task ${taskId}: ${from} -> ${to}`);
    });
  }

  /** A task's state from evidence (its merge in git, when the store is rebuilt): recorded, not checked against the state machine. */
  restoreTask(workstream: string, taskId: string, runId: string | null, to: TaskState, reason: string, patch: PhasePatch): void {
    this.applyTransition(workstream, taskId, runId, to, reason, patch, undefined);
  }

  /** One task of an execution workstream, or undefined when the store has none of that id. */
  task(workstream: string, taskId: string): TaskRow | undefined {
    return this.db.prepare('SELECT * FROM steps WHERE workstream = ? AND step_id = ?').get(workstream, taskId) as TaskRow | undefined;
  }

  /** An execution workstream's tasks (a task's state is a TaskState). */
  tasks(workstream: string): TaskRow[] {
    return this.db.prepare('SELECT * FROM steps WHERE workstream = ?').all(workstream) as TaskRow[];
  }

  /**
   * Sets a phase's state from evidence (git history, an attempt's files) when the store is
   * rebuilt: not a step of the state machine, so not checked against it, but recorded as a
   * transition like any other so the history says where the state came from.
   */
  restorePhase(workstream: string, stepId: string, runId: string | null, to: 'done' | 'running' | 'pending', reason: string, patch: PhasePatch): void {
    this.applyTransition(workstream, stepId, runId, to, reason, patch, undefined);
  }

  private applyTransition(workstream: string, stepId: string, runId: string | null, to: string, reason: string, patch: PhasePatch, check: ((from: string) => void) | undefined): void {
    this.write(() => {
      const row = this.phase(workstream, stepId);
      if (row === undefined) throw new Error(`no step ${stepId} in workstream ${workstream}`);
      check?.(row.state);
      const now = nowIso();
      this.db
        .prepare(
          `INSERT INTO transitions (workstream, step_id, run_id, from_state, to_state, reason, at) VALUES (?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(workstream, stepId, runId, row.state, to, reason, now);
      if (patch.attempts_base !== undefined) {
        this.db.prepare('UPDATE steps SET attempts_base = ? WHERE workstream = ? AND step_id = ?').run(patch.attempts_base, workstream, stepId);
      }
      this.db
        .prepare(
          `UPDATE steps SET state = ?, reason = ?, updated_at = ?,
             branch = COALESCE(?, branch), commit_sha = ?, merge_sha = ?, attempts = COALESCE(?, attempts)
           WHERE workstream = ? AND step_id = ?`,
        )
        .run(
          to,
          reason,
          now,
          patch.branch ?? null,
          patch.commit_sha === undefined ? row.commit_sha : patch.commit_sha,
          patch.merge_sha === undefined ? row.merge_sha : patch.merge_sha,
          patch.attempts ?? null,
          workstream,
          stepId,
        );
    });
  }

  /** Updates why a phase is in its state, without a transition (the same state, a new reason). */
  noteReason(workstream: string, stepId: string, reason: string): void {
    this.write(() => {
      this.db.prepare('UPDATE steps SET reason = ?, updated_at = ? WHERE workstream = ? AND step_id = ?').run(reason, nowIso(), workstream, stepId);
    });
  }

  /** Whether any transition was ever recorded for the workstream (a blocked gate, a dispatch, a rebuild). */
  hasHistory(workstream: string): boolean {
    return this.db.prepare('SELECT 1 FROM transitions WHERE workstream = ? LIMIT 1').get(workstream) !== undefined;
  }

  transitions(workstream: string): TransitionRow[] {
    return this.db.prepare('SELECT * FROM transitions WHERE workstream = ? ORDER BY id').all(workstream) as TransitionRow[];
  }

  insertRun(run: NewRun): void {
    this.write(() => {
      this.db
        .prepare(
          `INSERT INTO runs (run_id, workstream, step_id, attempt, agent, step, branch, worktree, run_dir, base_sha, dispatched_at)
           VALUES (@run_id, @workstream, @step_id, @attempt, @agent, 'dispatched', @branch, @worktree, @run_dir, @base_sha, @dispatched_at)`,
        )
        .run({ ...run, dispatched_at: nowIso() });
    });
  }

  updateRun(runId: string, patch: RunPatch): void {
    const keys = Object.keys(patch);
    if (keys.length === 0) return;
    for (const key of keys) {
      if (!/^[a-z_]+$/.test(key)) throw new Error(`bad run column ${key}`);
    }
    this.write(() => {
      this.db.prepare(`UPDATE runs SET ${keys.map((k) => `${k} = @${k}`).join(', ')} WHERE run_id = @run_id`).run({ ...patch, run_id: runId });
    });
  }

  run(runId: string): RunRow | undefined {
    return this.db.prepare('SELECT * FROM runs WHERE run_id = ?').get(runId) as RunRow | undefined;
  }

  runs(workstream: string, stepId?: string): RunRow[] {
    if (stepId === undefined) {
      return this.db.prepare('SELECT * FROM runs WHERE workstream = ? ORDER BY CAST(step_id AS INTEGER), step_id, attempt').all(workstream) as RunRow[];
    }
    return this.db
      .prepare('SELECT * FROM runs WHERE workstream = ? AND step_id = ? ORDER BY attempt')
      .all(workstream, stepId) as RunRow[];
  }

  /** Runs the loop must still drive: the agent may be working, or the merge is pending. */
  activeRuns(workstream: string): RunRow[] {
    return this.db
      .prepare(`SELECT * FROM runs WHERE workstream = ? AND step IN ('dispatched', 'committed') ORDER BY CAST(step_id AS INTEGER), step_id`)
      .all(workstream) as RunRow[];
  }

  recordApproval(entry: NewApproval): ApprovalRow {
    return this.write(() => {
      const at = entry.at ?? nowIso();
      const info = this.db
        .prepare(
          `INSERT INTO approvals (workstream, step_id, run_id, decision, by, note, commit_sha, digest, at, proof)
           VALUES (@workstream, @step_id, @run_id, @decision, @by, @note, @commit_sha, @digest, @at, @proof)`,
        )
        .run({ ...entry, at, proof: entry.proof ?? null });
      return { ...entry, id: Number(info.lastInsertRowid), at };
    });
  }

  /** Every decision on a run, oldest first. */
  decisionsOn(runId: string): ApprovalRow[] {
    return this.db.prepare('SELECT * FROM approvals WHERE run_id = ? ORDER BY id').all(runId) as ApprovalRow[];
  }

  /** The highest approval row id (0 without any). */
  lastApprovalId(): number {
    return (this.db.prepare('SELECT MAX(id) AS id FROM approvals').get() as { id: number | null }).id ?? 0;
  }

  /** Approval rows written after row `id`. */
  approvalsAfter(id: number): ApprovalRow[] {
    return this.db.prepare('SELECT * FROM approvals WHERE id > ? ORDER BY id').all(id) as ApprovalRow[];
  }

  approvals(workstream: string): ApprovalRow[] {
    return this.db.prepare('SELECT * FROM approvals WHERE workstream = ? ORDER BY id').all(workstream) as ApprovalRow[];
  }

  /** The fingerprint taken when a run's agent was started (src/fingerprint/), if any. */
  fingerprint(runId: string): FingerprintRow | undefined {
    return this.db.prepare('SELECT * FROM fingerprints WHERE run_id = ?').get(runId) as FingerprintRow | undefined;
  }

  /** Records (or, for a later launch of the same attempt, replaces) a run's fingerprint. */
  saveFingerprint(runId: string, data: string): void {
    this.write(() => {
      this.db
        .prepare(`INSERT INTO fingerprints (run_id, taken_at, data) VALUES (?, ?, ?) ON CONFLICT (run_id) DO UPDATE SET taken_at = excluded.taken_at, data = excluded.data, tampered = NULL`)
        .run(runId, nowIso(), data);
    });
  }

  /**
   * Replaces the fingerprint of a run whose agent is still at work with the same fingerprint
   * amended (the runner moved a ref meanwhile: src/runner/runner-ref-moves.ts). Unlike
   * saveFingerprint it keeps when it was taken and what was found tampered.
   */
  amendFingerprint(runId: string, data: string): void {
    this.write(() => {
      this.db.prepare('UPDATE fingerprints SET data = ? WHERE run_id = ?').run(data, runId);
    });
  }

  /** The fingerprints of runs whose agent may be at work (step 'dispatched'), with each run's own branch. */
  dispatchedFingerprints(): { readonly run_id: string; readonly branch: string; readonly data: string }[] {
    return this.db
      .prepare(`SELECT f.run_id AS run_id, r.branch AS branch, f.data AS data FROM fingerprints f JOIN runs r ON r.run_id = f.run_id WHERE r.step = 'dispatched' ORDER BY f.run_id`)
      .all() as { run_id: string; branch: string; data: string }[];
  }

  /** Every run's directory and step, in every workstream (containment: which run directories are in flight). */
  runDirs(): { readonly run_id: string; readonly run_dir: string; readonly step: RunStep }[] {
    return this.db.prepare('SELECT run_id, run_dir, step FROM runs ORDER BY run_id').all() as { run_id: string; run_dir: string; step: RunStep }[];
  }

  /** What changed outside the attempt's checkout: recorded before anything is undone. */
  markTampered(runId: string, tampered: string): void {
    this.write(() => {
      this.db.prepare('UPDATE fingerprints SET tampered = ? WHERE run_id = ?').run(tampered, runId);
    });
  }

  /** Records a decision whose commit is about to be published (published 0 unless given). */
  insertRecord(entry: NewRecord): RecordRow {
    return this.write(() => {
      const row = { published: 0, ...entry };
      const info = this.db
        .prepare(
          `INSERT INTO records (workstream, kind, step_id, by, reason, at, commit_sha, digest, published)
           VALUES (@workstream, @kind, @step_id, @by, @reason, @at, @commit_sha, @digest, @published)`,
        )
        .run(row);
      return { ...row, id: Number(info.lastInsertRowid) };
    });
  }

  /** The record's commit is on the base branch (recreated on a moved base: its new id). */
  markPublished(id: number, commit: string): void {
    this.write(() => {
      this.db.prepare('UPDATE records SET commit_sha = ?, published = 1 WHERE id = ?').run(commit, id);
    });
  }

  /** A record that will not be published (see RecordRow.published). */
  markDropped(id: number): void {
    this.write(() => {
      this.db.prepare('UPDATE records SET published = 2 WHERE id = ?').run(id);
    });
  }

  /** A pending phase's attempts so far stop counting against its budget (a replan). */
  setAttemptsBase(workstream: string, stepId: string, base: number): void {
    this.write(() => {
      this.db.prepare('UPDATE steps SET attempts_base = ?, updated_at = ? WHERE workstream = ? AND step_id = ?').run(base, nowIso(), workstream, stepId);
    });
  }

  records(workstream: string): RecordRow[] {
    return this.db.prepare('SELECT * FROM records WHERE workstream = ? ORDER BY id').all(workstream) as RecordRow[];
  }

  recordGate(entry: Omit<GateRow, 'id' | 'evaluated_at'>): number {
    return this.write(() => {
      const info = this.db
        .prepare(
          `INSERT INTO gate_results (workstream, step_id, run_id, target, moment, ok, checks, evaluated_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(entry.workstream, entry.step_id, entry.run_id, entry.target, entry.moment, entry.ok ? 1 : 0, JSON.stringify(entry.checks), nowIso());
      return Number(info.lastInsertRowid);
    });
  }

  /** The latest gate evaluation that concerned a phase (its dispatch or its advance). */
  lastGate(workstream: string, stepId: string): GateRow | undefined {
    const row = this.db
      .prepare('SELECT * FROM gate_results WHERE workstream = ? AND step_id = ? ORDER BY id DESC LIMIT 1')
      .get(workstream, stepId) as (Omit<GateRow, 'ok' | 'checks'> & { ok: number; checks: string }) | undefined;
    return row === undefined ? undefined : toGateRow(row);
  }

  /** The last gate evaluated at `moment` for one run, if any. */
  runGate(runId: string, moment: GateRow['moment']): GateRow | undefined {
    const row = this.db
      .prepare('SELECT * FROM gate_results WHERE run_id = ? AND moment = ? ORDER BY id DESC LIMIT 1')
      .get(runId, moment) as (Omit<GateRow, 'ok' | 'checks'> & { ok: number; checks: string }) | undefined;
    return row === undefined ? undefined : toGateRow(row);
  }

  gates(workstream: string): GateRow[] {
    const rows = this.db.prepare('SELECT * FROM gate_results WHERE workstream = ? ORDER BY id').all(workstream) as (Omit<
      GateRow,
      'ok' | 'checks'
    > & { ok: number; checks: string })[];
    return rows.map(toGateRow);
  }
}

function toGateRow(row: Omit<GateRow, 'ok' | 'checks'> & { ok: number; checks: string }): GateRow {
  return { ...row, ok: row.ok === 1, checks: JSON.parse(row.checks) as CheckResult[] };
}
