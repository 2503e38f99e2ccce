// Schema migrations, applied in order; PRAGMA user_version records how many have run.
// Never edit a shipped migration: add a new one.

export const MIGRATIONS: readonly string[] = [
  `
  CREATE TABLE workstreams (
    name         TEXT PRIMARY KEY,
    base         TEXT NOT NULL,
    current      INTEGER,
    created_at   TEXT NOT NULL,
    completed_at TEXT
  );

  -- The current state of each phase; its history is in transitions.
  CREATE TABLE phases (
    workstream  TEXT NOT NULL REFERENCES workstreams(name),
    phase       INTEGER NOT NULL,
    name        TEXT NOT NULL,
    role        TEXT NOT NULL,
    state       TEXT NOT NULL,
    attempts    INTEGER NOT NULL DEFAULT 0,
    branch      TEXT,
    commit_sha  TEXT,
    merge_sha   TEXT,
    reason      TEXT,
    updated_at  TEXT NOT NULL,
    PRIMARY KEY (workstream, phase)
  );

  -- One row per dispatch of an agent: an attempt of a phase, identified by its Run-Id.
  CREATE TABLE runs (
    run_id       TEXT PRIMARY KEY,
    workstream   TEXT NOT NULL,
    phase        INTEGER NOT NULL,
    attempt      INTEGER NOT NULL,
    agent        TEXT NOT NULL,
    step         TEXT NOT NULL,
    branch       TEXT NOT NULL,
    worktree     TEXT NOT NULL,
    run_dir      TEXT NOT NULL,
    base_sha     TEXT NOT NULL,
    wrapper_pid  INTEGER,
    dispatched_at TEXT NOT NULL,
    finished_at  TEXT,
    exit_code    INTEGER,
    signal       TEXT,
    duration_ms  INTEGER,
    tokens_in    INTEGER,
    tokens_out   INTEGER,
    cost_usd     REAL,
    commit_sha   TEXT,
    merge_sha    TEXT,
    failure      TEXT,
    UNIQUE (workstream, phase, attempt),
    FOREIGN KEY (workstream, phase) REFERENCES phases(workstream, phase)
  );

  -- Append-only: every state change of every phase, with why.
  CREATE TABLE transitions (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream  TEXT NOT NULL,
    phase       INTEGER NOT NULL,
    run_id      TEXT,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
  );
  CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions
    BEGIN SELECT RAISE(ABORT, 'transitions are append-only'); END;
  CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
    BEGIN SELECT RAISE(ABORT, 'transitions are append-only'); END;

  -- Every gate evaluation with each check's result (JSON array).
  CREATE TABLE gate_results (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream   TEXT NOT NULL,
    phase        INTEGER NOT NULL,
    run_id       TEXT,
    target       TEXT NOT NULL,
    moment       TEXT NOT NULL,
    ok           INTEGER NOT NULL,
    checks       TEXT NOT NULL,
    evaluated_at TEXT NOT NULL
  );
  CREATE INDEX gate_results_phase ON gate_results (workstream, phase, id);
  CREATE INDEX transitions_phase ON transitions (workstream, phase, id);
  CREATE INDEX runs_phase ON runs (workstream, phase, attempt);
  `,
  `
  -- Every approval and rejection of a phase commit, bound to what was reviewed: the commit
  -- and its Artifacts-Digest. Append-only, like transitions.
  CREATE TABLE approvals (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream  TEXT NOT NULL,
    phase       INTEGER NOT NULL,
    run_id      TEXT NOT NULL REFERENCES runs(run_id),
    decision    TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    by          TEXT NOT NULL,
    note        TEXT,
    commit_sha  TEXT NOT NULL,
    digest      TEXT NOT NULL,
    at          TEXT NOT NULL
  );
  CREATE INDEX approvals_run ON approvals (run_id, id);
  CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
  CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
  `,
  `
  -- Decisions recorded on the base branch as commits that change no file: a replan (phases
  -- from \`phase\` on are planned again) or an acknowledgement (a hand edit of a phase's
  -- outputs is accepted). The row is written before the commit is published (published = 0),
  -- so a runner killed in between publishes it on its next start. Append-only but for that.
  CREATE TABLE records (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('replan', 'acknowledge')),
    phase       INTEGER NOT NULL,
    by          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL,
    commit_sha  TEXT NOT NULL,
    -- An acknowledgement's: the digest of the phase's outputs it accepts.
    digest      TEXT,
    -- 0 not yet on the base, 1 published, 2 dropped (an acknowledgement whose outputs changed
    -- again before it could be published: it would accept what nobody looked at).
    published   INTEGER NOT NULL DEFAULT 0
  );
  CREATE INDEX records_workstream ON records (workstream, id);
  CREATE TRIGGER records_no_delete BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
  -- Attempts spent before the phase was last replanned: its attempt budget counts from there.
  ALTER TABLE phases ADD COLUMN attempts_base INTEGER NOT NULL DEFAULT 0;
  `,
  `
  -- What lay outside an attempt's checkout when its agent started (src/fingerprint/): the
  -- shared git directory's config, hooks, info files and refs, phaserunner's own state and the
  -- user's checkout. Compared when the agent ends; \`tampered\` is what changed, recorded before
  -- anything is undone, so a runner killed half-way still fails the attempt on its next pass.
  CREATE TABLE fingerprints (
    run_id    TEXT PRIMARY KEY REFERENCES runs(run_id),
    taken_at  TEXT NOT NULL,
    data      TEXT NOT NULL,
    tampered  TEXT
  );
  -- An approval's proof that \`approve\` recorded it (src/runner/approval-proof.ts): a MAC
  -- under a key kept outside the repository. Rows without a valid one do not count.
  ALTER TABLE approvals ADD COLUMN proof TEXT;
  `,
  `
  -- Which launch of its attempt a run is on (src/dispatch/claim.ts), kept where its agent
  -- does not write: dispatch.json says it too, but that file lies in the run directory the
  -- agent can reach. NULL for a run dispatched before this column: dispatch.json then says.
  ALTER TABLE runs ADD COLUMN launch INTEGER;
  `,
  `
  -- Steps, not only phases (issue 17): every workstream's steps are in \`steps\`, and a step
  -- is named by \`step_id\`, text: a planning phase's is its number ('1'), an execution task's
  -- its id ('T-003'). SQLite cannot change a column's type in place, so each table with a
  -- step id is rebuilt, its rows copied with the id as text, and renamed into place; the
  -- foreign keys are checked once, at the end, when every table is whole again (db.ts).

  CREATE TABLE workstreams_v6 (
    name         TEXT PRIMARY KEY,
    base         TEXT NOT NULL,
    current      TEXT,
    created_at   TEXT NOT NULL,
    completed_at TEXT
  );
  INSERT INTO workstreams_v6 SELECT name, base, CAST(current AS TEXT), created_at, completed_at FROM workstreams;

  CREATE TABLE steps (
    workstream    TEXT NOT NULL REFERENCES workstreams(name),
    step_id       TEXT NOT NULL,
    name          TEXT NOT NULL,
    role          TEXT NOT NULL,
    state         TEXT NOT NULL,
    attempts      INTEGER NOT NULL DEFAULT 0,
    branch        TEXT,
    commit_sha    TEXT,
    merge_sha     TEXT,
    reason        TEXT,
    updated_at    TEXT NOT NULL,
    attempts_base INTEGER NOT NULL DEFAULT 0,
    PRIMARY KEY (workstream, step_id)
  );
  INSERT INTO steps SELECT workstream, CAST(phase AS TEXT), name, role, state, attempts, branch, commit_sha, merge_sha, reason, updated_at, attempts_base FROM phases;

  CREATE TABLE runs_v6 (
    run_id        TEXT PRIMARY KEY,
    workstream    TEXT NOT NULL,
    step_id       TEXT NOT NULL,
    attempt       INTEGER NOT NULL,
    agent         TEXT NOT NULL,
    step          TEXT NOT NULL,
    branch        TEXT NOT NULL,
    worktree      TEXT NOT NULL,
    run_dir       TEXT NOT NULL,
    base_sha      TEXT NOT NULL,
    wrapper_pid   INTEGER,
    dispatched_at TEXT NOT NULL,
    finished_at   TEXT,
    exit_code     INTEGER,
    signal        TEXT,
    duration_ms   INTEGER,
    tokens_in     INTEGER,
    tokens_out    INTEGER,
    cost_usd      REAL,
    commit_sha    TEXT,
    merge_sha     TEXT,
    failure       TEXT,
    launch        INTEGER,
    UNIQUE (workstream, step_id, attempt),
    FOREIGN KEY (workstream, step_id) REFERENCES steps(workstream, step_id)
  );
  INSERT INTO runs_v6 SELECT run_id, workstream, CAST(phase AS TEXT), attempt, agent, step, branch, worktree, run_dir, base_sha, wrapper_pid, dispatched_at,
    finished_at, exit_code, signal, duration_ms, tokens_in, tokens_out, cost_usd, commit_sha, merge_sha, failure, launch FROM runs;

  CREATE TABLE transitions_v6 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream  TEXT NOT NULL,
    step_id     TEXT NOT NULL,
    run_id      TEXT,
    from_state  TEXT,
    to_state    TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL
  );
  INSERT INTO transitions_v6 SELECT id, workstream, CAST(phase AS TEXT), run_id, from_state, to_state, reason, at FROM transitions;

  CREATE TABLE gate_results_v6 (
    id           INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream   TEXT NOT NULL,
    step_id      TEXT NOT NULL,
    run_id       TEXT,
    target       TEXT NOT NULL,
    moment       TEXT NOT NULL,
    ok           INTEGER NOT NULL,
    checks       TEXT NOT NULL,
    evaluated_at TEXT NOT NULL
  );
  INSERT INTO gate_results_v6 SELECT id, workstream, CAST(phase AS TEXT), run_id, target, moment, ok, checks, evaluated_at FROM gate_results;

  CREATE TABLE approvals_v6 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream  TEXT NOT NULL,
    step_id     TEXT NOT NULL,
    run_id      TEXT NOT NULL REFERENCES runs(run_id),
    decision    TEXT NOT NULL CHECK (decision IN ('approved', 'rejected')),
    by          TEXT NOT NULL,
    note        TEXT,
    commit_sha  TEXT NOT NULL,
    digest      TEXT NOT NULL,
    at          TEXT NOT NULL,
    proof       TEXT
  );
  INSERT INTO approvals_v6 SELECT id, workstream, CAST(phase AS TEXT), run_id, decision, by, note, commit_sha, digest, at, proof FROM approvals;

  CREATE TABLE records_v6 (
    id          INTEGER PRIMARY KEY AUTOINCREMENT,
    workstream  TEXT NOT NULL,
    kind        TEXT NOT NULL CHECK (kind IN ('replan', 'acknowledge')),
    step_id     TEXT NOT NULL,
    by          TEXT NOT NULL,
    reason      TEXT NOT NULL,
    at          TEXT NOT NULL,
    commit_sha  TEXT NOT NULL,
    -- An acknowledgement's: the digest of the phase's outputs it accepts.
    digest      TEXT,
    -- 0 not yet on the base, 1 published, 2 dropped (an acknowledgement whose outputs changed
    -- again before it could be published: it would accept what nobody looked at).
    published   INTEGER NOT NULL DEFAULT 0
  );
  INSERT INTO records_v6 SELECT id, workstream, kind, CAST(phase AS TEXT), by, reason, at, commit_sha, digest, published FROM records;

  DROP TABLE records;
  DROP TABLE approvals;
  DROP TABLE gate_results;
  DROP TABLE transitions;
  DROP TABLE runs;
  DROP TABLE phases;
  DROP TABLE workstreams;
  ALTER TABLE workstreams_v6 RENAME TO workstreams;
  ALTER TABLE runs_v6 RENAME TO runs;
  ALTER TABLE transitions_v6 RENAME TO transitions;
  ALTER TABLE gate_results_v6 RENAME TO gate_results;
  ALTER TABLE approvals_v6 RENAME TO approvals;
  ALTER TABLE records_v6 RENAME TO records;

  CREATE INDEX gate_results_step ON gate_results (workstream, step_id, id);
  CREATE INDEX transitions_step ON transitions (workstream, step_id, id);
  CREATE INDEX runs_step ON runs (workstream, step_id, attempt);
  CREATE INDEX approvals_run ON approvals (run_id, id);
  CREATE INDEX records_workstream ON records (workstream, id);
  CREATE TRIGGER transitions_no_update BEFORE UPDATE ON transitions
    BEGIN SELECT RAISE(ABORT, 'transitions are append-only'); END;
  CREATE TRIGGER transitions_no_delete BEFORE DELETE ON transitions
    BEGIN SELECT RAISE(ABORT, 'transitions are append-only'); END;
  CREATE TRIGGER approvals_no_update BEFORE UPDATE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
  CREATE TRIGGER approvals_no_delete BEFORE DELETE ON approvals
    BEGIN SELECT RAISE(ABORT, 'approvals are append-only'); END;
  CREATE TRIGGER records_no_delete BEFORE DELETE ON records
    BEGIN SELECT RAISE(ABORT, 'records are append-only'); END;
  `,
];
