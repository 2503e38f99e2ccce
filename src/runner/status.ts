// The status view: every phase with its state, attempts, branch, commits and last gate, and
// the one thing to do next. Read-only: it never creates or migrates the store.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { failureLines, type CheckResult } from '../gates/types.js';
import type { GateRow, PhaseRow, RunRow, Store } from '../store/store.js';
import { controllerFor, planningOf } from '../workstream/registry.js';
import type { PhaseState } from '../workstream/states.js';
import { openDefinitions, type Definitions, type OpenOptions } from '../definitions/open.js';
import { configFile } from '../paths.js';
import { phaseBranch } from './naming.js';
import { attemptLimit } from './attempts.js';
import { provenDecision } from './approval-proof.js';
import { shellWord } from '../util/shell.js';
import { phaseOf, phaseStep } from '../workstream/step-id.js';

export interface GateSummary {
  readonly target: string;
  readonly moment: 'beforeDispatch' | 'beforeAdvance';
  readonly ok: boolean;
  readonly at: string;
  readonly failures: readonly string[];
  readonly checks: readonly CheckResult[];
}

export interface PhaseStatus {
  readonly phase: number;
  readonly name: string;
  readonly title: string;
  readonly role: string;
  readonly state: PhaseState;
  readonly attempts: number;
  readonly max_attempts: number;
  readonly branch: string;
  readonly commit: string | null;
  readonly merge: string | null;
  readonly run_id: string | null;
  readonly reason: string | null;
  readonly run_dir: string | null;
  readonly last_gate: GateSummary | null;
  /** A human must approve this phase's commit before it is merged. */
  readonly needs_approval: boolean;
  /** The latest approval or rejection of the phase's latest attempt. */
  readonly approval: ApprovalSummary | null;
  /** Tokens and cost over all the phase's attempts, where the agent reported them; else null. */
  readonly usage: Usage | null;
}

export interface Usage {
  readonly tokens_in: number | null;
  readonly tokens_out: number | null;
  readonly cost_usd: number | null;
}

/** The sum of what each run reported; a field no run reported stays null. */
export function totalUsage(runs: readonly Pick<RunRow, 'tokens_in' | 'tokens_out' | 'cost_usd'>[]): Usage | null {
  const sum = (key: 'tokens_in' | 'tokens_out' | 'cost_usd'): number | null => {
    const values = runs.map((r) => r[key]).filter((v): v is number => v !== null);
    return values.length === 0 ? null : values.reduce((a, b) => a + b, 0);
  };
  const usage = { tokens_in: sum('tokens_in'), tokens_out: sum('tokens_out'), cost_usd: sum('cost_usd') };
  return usage.tokens_in === null && usage.tokens_out === null && usage.cost_usd === null ? null : usage;
}

export interface ApprovalSummary {
  readonly decision: 'approved' | 'rejected';
  readonly by: string;
  readonly at: string;
  readonly note: string | null;
  readonly commit: string;
  readonly digest: string;
}

export interface StatusView {
  readonly workstream: string;
  readonly base: string;
  readonly current: number | null;
  readonly complete: boolean;
  readonly phases: readonly PhaseStatus[];
  readonly next: string;
  /**
   * False when no config is committed on the base: the view is of the built-in definitions,
   * and nothing can run until phaserunner is set up there.
   */
  readonly configured: boolean;
}

/** Status from the repository at `cwd`, opening the store read-only (or none before the first run). */
export async function readStatus(cwd: string, options: OpenOptions = {}): Promise<StatusView> {
  // The store's code (better-sqlite3, the largest part of start-up) loads while git finds the
  // repository: openDefinitions starts git before its first await, and the two overlap.
  const [defs, { withStoreReadOnly }] = await Promise.all([openDefinitions(cwd, 'view', options), import('./store-open.js')]);
  const missing = !existsSync(defs.state.db);
  const view = withStoreReadOnly(defs.state.db, (store) => buildStatus(defs, store));
  if (!defs.configured) return { ...view, next: notSetUp(defs) };
  // No store at all: before the first run, or it was lost (or this is a fresh clone). Git may
  // know better, and the next run rebuilds the store from it.
  if (!missing || defs.governing.commit === null) return view;
  // A shallow clone's history is cut: what it shows merged is not all there is, and a run
  // would rebuild the store from part of it.
  if (existsSync(join(defs.repo.commonDir, 'shallow'))) {
    return { ...view, next: `There is no store here, and this clone is shallow: its history of ${defs.config.base} is cut, so earlier phase merges may not be in it. \`phaserunner audit\` checks what it has; \`git fetch --unshallow\` fetches the rest, before any \`phaserunner run\`.` };
  }
  const workstream = planningOf(defs);
  // Only without a store: the walk over history is not loaded otherwise.
  const { mergedPhasesInGit } = await import('./rebuild.js');
  const merged = [...(await mergedPhasesInGit(defs.repo.root, defs.governing.commit, workstream)).keys()].sort((a, b) => a - b);
  if (merged.length === 0) return view;
  const base = defs.config.base;
  const phases = `phase${merged.length > 1 ? 's' : ''} ${merged.join(', ')} merged`;
  // Where nothing can run (a bare repository, a CI checkout without the local branch), say what can.
  if (!defs.repo.worktree) return { ...view, next: `There is no store here, but ${base} has ${phases}: \`phaserunner audit\` verifies them; this bare repository has no working tree, so planning goes on in a checkout of it.` };
  if (defs.governing.ref !== `refs/heads/${base}`) {
    return { ...view, next: `The store has no record of this work, but origin/${base} has ${phases}, and there is no local branch ${base}: \`phaserunner audit\` verifies them; to go on, \`git branch ${shellWord(base)} ${shellWord(`origin/${base}`)}\`, then \`phaserunner run --wait\` rebuilds the store from git.` };
  }
  return { ...view, next: `The store has no record of this work, but ${base} has ${phases}: \`phaserunner run --wait\` rebuilds the store from git and goes on from there.` };
}

/** What to do where no config is committed on the base: set up, or commit what is set up. */
function notSetUp(defs: Definitions): string {
  const where = `${defs.governing.base}${defs.governing.ref?.startsWith('refs/remotes/') === true ? ' (as origin has it)' : ''}`;
  if (defs.repo.worktree && existsSync(configFile(defs.repo.root))) {
    return `phaserunner is set up in your checkout but not on ${where}, whose committed definitions govern every run: commit it (\`git add .phaserunner ${defs.config.intent} && git commit -m "Set up phaserunner"\`), then \`phaserunner run --wait\`.`;
  }
  return `phaserunner is not set up on ${where} (this shows its built-in phases): run \`phaserunner init\`, commit .phaserunner/ and ${defs.config.intent}, then \`phaserunner run --wait\`.`;
}

/** Status from definitions already loaded and a store already open (a runner that just ran). */
export function buildStatus(defs: Pick<Definitions, 'config' | 'phases'> & { readonly configured?: boolean }, store: Store | undefined): StatusView {
  const { config, phases } = defs;
  const workstream = planningOf(defs);
  const rows = new Map((store?.phases(workstream.name) ?? []).map((p) => [phaseOf(p), p]));
  const runs = store?.runs(workstream.name) ?? [];
  const view: PhaseStatus[] = phases.phases.map(({ def }) => {
    const row: PhaseRow | undefined = rows.get(def.id);
    const phaseRuns = runs.filter((r) => phaseOf(r) === def.id);
    const lastRun: RunRow | undefined = phaseRuns.at(-1);
    const gate = store?.lastGate(workstream.name, phaseStep(def.id));
    // Before the merge, only decisions `approve` and `reject` recorded, as the runner counts
    // them (approval-proof.ts); once merged, git's trailers are the record (a rebuilt store's).
    const decisions = lastRun === undefined ? [] : (store?.decisionsOn(lastRun.run_id) ?? []);
    const decision = (lastRun?.step === 'merged' ? decisions : decisions.filter((d) => provenDecision(d))).at(-1);
    return {
      phase: def.id,
      name: def.name,
      title: def.title,
      role: def.role,
      state: row?.state ?? 'pending',
      attempts: row?.attempts ?? 0,
      max_attempts: attemptLimit(config, row),
      branch: row?.branch ?? phaseBranch(workstream.name, { phase: def.id, name: def.name }),
      commit: row?.commit_sha ?? null,
      merge: row?.merge_sha ?? null,
      run_id: lastRun?.run_id ?? null,
      reason: row?.reason ?? null,
      run_dir: lastRun?.run_dir ?? null,
      last_gate: gate === undefined ? null : summarize(gate),
      needs_approval: workstream.stepForPhase(def.id)?.approval ?? false,
      approval:
        decision === undefined
          ? null
          : { decision: decision.decision, by: decision.by, at: decision.at, note: decision.note, commit: decision.commit_sha, digest: decision.digest },
      usage: totalUsage(phaseRuns),
    };
  });
  const controller = controllerFor(workstream);
  const active = new Set(runs.filter((r) => r.step === 'dispatched' || r.step === 'committed').map((r) => phaseOf(r)));
  const phaseViews = view.map((p) => ({ id: phaseStep(p.phase), phase: p.phase, state: p.state, active: active.has(p.phase) }));
  const complete = controller.complete(phaseViews);
  const current = controller.current(phaseViews) ?? null;
  return { workstream: workstream.name, base: config.base, current, complete, phases: view, next: nextStep(view, complete, config.base), configured: defs.configured ?? true };
}

function summarize(gate: GateRow): GateSummary {
  return {
    target: gate.target,
    moment: gate.moment,
    ok: gate.ok,
    at: gate.evaluated_at,
    failures: failureLines(gate.checks),
    checks: gate.checks,
  };
}

/** The one thing a human should do next. */
function nextStep(phases: readonly PhaseStatus[], complete: boolean, base: string): string {
  if (complete) return 'Planning is complete: the plan is in planning/ on the base branch. Verify its history with `phaserunner audit`.';
  const p = phases.find((x) => x.state !== 'done');
  if (p === undefined) return 'Nothing to do.';
  switch (p.state) {
    case 'pending':
      return `Run \`phaserunner run --wait\` to start phase ${p.phase} (${p.name}).`;
    case 'running':
      return `Phase ${p.phase} (${p.name}) is running (attempt ${p.attempts}). Run \`phaserunner run --wait\` to follow it and collect the result.`;
    case 'failed':
      return p.attempts >= p.max_attempts
        ? `Phase ${p.phase} (${p.name}) failed and used all ${p.max_attempts} attempts. Raise max_attempts in .phaserunner/config.json, then \`phaserunner retry ${p.phase}\`.`
        : `Phase ${p.phase} (${p.name}) failed. See \`${p.run_dir ?? 'the run directory'}\`, fix the cause, then \`phaserunner retry ${p.phase}\`.`;
    case 'blocked':
      return `Phase ${p.phase} (${p.name}) is blocked: ${(p.reason ?? 'see the last gate').replace(/\.$/, '')}. Fix that, then \`phaserunner run\`.`;
    case 'conflict':
      return `Phase ${p.phase} (${p.name}) conflicts with the base branch. Run \`phaserunner retry ${p.phase}\` to redo it on the current base.`;
    case 'awaiting_approval':
      // A voided approval says itself how to recover; otherwise: review, then decide.
      return (
        `Phase ${p.phase} (${p.name}) awaits approval. ` +
        (p.approval?.decision === 'approved' ? `${p.reason ?? ''} ` : `Review it with \`git diff ${base}...${p.branch}\`, then `) +
        `\`phaserunner approve ${p.phase} --by "Your Name"\` merges it; ` +
        `\`phaserunner reject ${p.phase} --by "Your Name" --reason "what must change"\` sends it back.`
      );
    case 'done':
      return 'Nothing to do.';
  }
}
