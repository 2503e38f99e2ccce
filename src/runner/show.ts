// `phaserunner show N`: everything about one phase's attempt in one place: its prompt, gate
// results, exit.json, the tail of its logs, and its commits with their trailers.
import { latestActions, REPORT_BYTES, structuredOutputOf } from '../dispatch/agent-output/read.js';
import { runFiles, type RunFiles } from '../dispatch/run-dir.js';
import { fail } from '../failures.js';
import { gitOut } from '../git/exec.js';
import { parseTrailers } from '../git/trailers.js';
import type { ApprovalRow, GateRow, RunRow } from '../store/store.js';
import { lastLines, readTextIfExists } from '../util/fs.js';
import { PLANNING } from '../workstream/planning.js';
import type { PhaseDefinition } from '../phases/schema.js';
import type { Definitions } from '../definitions/open.js';
import { withStoreReadOnly } from './store-open.js';
import { phaseOf, phaseStep } from '../workstream/step-id.js';

export const TAIL_LINES = 20;

export interface ShownCommit {
  readonly sha: string;
  readonly subject: string;
  readonly trailers: Record<string, string>;
}

export interface PhaseDetail {
  readonly phase: number;
  readonly name: string;
  readonly state: string;
  readonly attempts: number;
  readonly run: RunRow | null;
  readonly prompt: string | null;
  readonly gates: readonly GateRow[];
  readonly approvals: readonly ApprovalRow[];
  readonly exit: unknown;
  readonly log_tail: { readonly stdout: string; readonly stderr: string };
  readonly commit: ShownCommit | null;
  readonly merge: ShownCommit | null;
}

/** Phase `phase`'s definition (unknown-phase when there is none). */
export function phaseDefinition(defs: Definitions, phase: number): PhaseDefinition {
  const def = defs.phases.phases.find((p) => p.def.id === phase)?.def;
  if (def === undefined) fail({ reason: 'unknown-phase', phase, known: defs.phases.phases.map((p) => p.def.id) });
  return def;
}

/** The attempt asked for, or the latest (undefined when there is none); unknown-attempt when the one asked for does not exist. */
export function pickAttempt(runs: readonly RunRow[], phase: number, attempt: number | undefined): RunRow | undefined {
  const run = attempt === undefined ? runs.at(-1) : runs.find((r) => r.attempt === attempt);
  if (attempt !== undefined && run === undefined) fail({ reason: 'unknown-attempt', phase, attempt, attempts: runs.length });
  return run;
}

export async function showPhase(defs: Definitions, phase: number, attempt?: number): Promise<PhaseDetail> {
  const def = phaseDefinition(defs, phase);
  const { row, runs, gates, approvals } = withStoreReadOnly(defs.state.db, (store) => ({
    row: store?.phase(PLANNING, phaseStep(phase)),
    runs: store?.runs(PLANNING, phaseStep(phase)) ?? [],
    gates: store?.gates(PLANNING).filter((g) => phaseOf(g) === phase) ?? [],
    approvals: store?.approvals(PLANNING).filter((a) => phaseOf(a) === phase) ?? [],
  }));
  const run = pickAttempt(runs, phase, attempt);
  const files = run === undefined ? undefined : runFiles(run.run_dir);
  const root = defs.repo.root;
  return {
    phase,
    name: def.name,
    state: row?.state ?? 'pending',
    attempts: row?.attempts ?? 0,
    run: run ?? null,
    prompt: files === undefined ? null : ((await readTextIfExists(files.prompt)) ?? null),
    gates: run === undefined ? gates : gatesOf(gates, run),
    approvals: run === undefined ? approvals : approvals.filter((a) => a.run_id === run.run_id),
    exit: files === undefined ? null : await readJson(files.exit),
    log_tail: { stdout: files === undefined ? '' : (await stdoutTail(files)).join('\n'), stderr: files === undefined ? '' : (await lastLines(files.stderr, TAIL_LINES)).join('\n') },
    commit: run?.commit_sha == null ? null : await describe(root, run.commit_sha),
    merge: run?.merge_sha == null ? null : await describe(root, run.merge_sha),
  };
}

/** The gate that let the attempt start (recorded before it had a run id), then its own. */
function gatesOf(gates: readonly GateRow[], run: RunRow): GateRow[] {
  const before = gates.filter((g) => g.run_id === null && g.evaluated_at <= run.dispatched_at).at(-1);
  return [...(before === undefined ? [] : [before]), ...gates.filter((g) => g.run_id === run.run_id)];
}

export async function describe(root: string, sha: string): Promise<ShownCommit | null> {
  try {
    const message = await gitOut(['log', '-1', '--format=%B', sha, '--'], { cwd: root });
    return { sha, subject: message.split('\n', 1)[0] ?? '', trailers: Object.fromEntries(parseTrailers(message) ?? []) };
  } catch {
    return null; // not in this repository (any more): show what the store knows
  }
}

/** The end of stdout; for a CLI with JSON events, what they show it doing, one action a line. */
export async function stdoutTail(files: RunFiles): Promise<string[]> {
  const structured = structuredOutputOf(files.spec);
  return structured === undefined ? lastLines(files.stdout, TAIL_LINES) : latestActions(structured, files.stdout, TAIL_LINES, REPORT_BYTES);
}

/** The parsed file, its raw text when it is not JSON (shown as it is), or null when missing. */
export async function readJson(file: string): Promise<unknown> {
  const text = await readTextIfExists(file);
  if (text === undefined) return null;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

