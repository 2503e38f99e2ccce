// What a task merge's trees say, judged by its task as the plan it names has it: the plan is
// one planning put on the base before the merge (Plan-Digest), the task is in it, the
// Artifacts-Digests are those of the task's writes at the merge and at the task commit, the
// task commit changes nothing outside its writes, and an approval is of what was merged.
// Synchronous over the TreeStore, returning its findings (it may run again): run it through
// `settle`, as merge-checks.ts is.
import { PLAN_PATH } from '../git/task-trailers.js';
import { APPROVAL_KEYS } from '../git/trailers.js';
import { parsePlan, problemText, type NormalisedTask, type Plan, type PlanResult } from '../planning/plan.js';
import { matcherFor } from '../util/glob.js';
import type { AuditContext, MergeRecord } from './context.js';
import type { Decision } from './decisions.js';
import type { Finding, FindingCode } from './findings.js';
import { quoteList, short } from './format.js';
import { beyondCut, type Unchecked } from './shallow.js';
import type { TaskMerge } from './task-history.js';

/** Paths outside the writes collected for a message; an agent may add thousands. */
const OUTSIDE_SHOWN = 100;

/** Where planning put a plan on the base: the oldest merge or acknowledgement whose tree has it. */
export interface PlanAccepted {
  /** Its position in the history stream (larger is older). */
  readonly index: number;
  readonly commit: string;
}

/**
 * The blob of planning/tasks.json at each planning merge whose phase writes it (phase 4 in the
 * built-in definitions), and at each acknowledgement of such a phase (a hand edit accepted):
 * the plans planning merged, by blob id. One function per merge, for `settle`.
 */
export function plansAt(ctx: AuditContext, records: readonly MergeRecord[], decisions: readonly Decision[]): (() => readonly [string, PlanAccepted] | undefined)[] {
  const writesPlan = (outputs: readonly string[] | undefined): boolean => outputs !== undefined && matcherFor(outputs)(PLAN_PATH);
  const at = (commit: { readonly sha: string; readonly tree: string; readonly index: number }) => (): readonly [string, PlanAccepted] | undefined => {
    const entry = ctx.files.entry(commit.tree, PLAN_PATH);
    return entry === undefined ? undefined : [entry.oid, { index: commit.index, commit: commit.sha }];
  };
  const fns: (() => readonly [string, PlanAccepted] | undefined)[] = [];
  for (const r of records) {
    // A merge judged by no definitions (beyond a shallow cut, an unknown phase) is read by today's.
    const step = r.step ?? (r.claims.phase === undefined ? undefined : ctx.workstream.stepForPhase(r.claims.phase));
    if (writesPlan(step?.outputs)) fns.push(at(r.merge));
  }
  for (const d of decisions) if (d.kind === 'acknowledge' && writesPlan(d.step?.outputs)) fns.push(at(d.commit));
  return fns;
}

/** The oldest acceptance of each plan. */
export function acceptedPlans(found: readonly (readonly [string, PlanAccepted] | undefined)[]): Map<string, PlanAccepted> {
  const plans = new Map<string, PlanAccepted>();
  for (const item of found) {
    if (item === undefined) continue;
    const [blob, accepted] = item;
    const known = plans.get(blob);
    if (known === undefined || accepted.index > known.index) plans.set(blob, accepted);
  }
  return plans;
}

/** Plans read by blob id, each parsed once (a history has a handful; its merges share them). */
export class PlanBook {
  private readonly plans = new Map<string, PlanResult | null>();

  /** The plan in blob `oid`; null when git has no such blob. May stop with NOT_LOADED. */
  read(ctx: AuditContext, oid: string): PlanResult | null {
    const known = this.plans.get(oid);
    if (known !== undefined) return known;
    const text = ctx.files.store.text(oid);
    const result = text === undefined ? null : parsePlan(text, `${PLAN_PATH} (blob ${short(oid)})`);
    this.plans.set(oid, result);
    return result;
  }
}

export interface TaskVerdict {
  readonly findings: readonly Finding[];
  readonly unchecked: readonly Unchecked[];
  /** The plan the merge names, when it could be read. */
  readonly plan: Plan | undefined;
  /** The task as that plan has it. */
  readonly task: NormalisedTask | undefined;
}

export function judgeTaskTrees(ctx: AuditContext, m: TaskMerge, accepted: ReadonlyMap<string, PlanAccepted>, book: PlanBook, lineCut: boolean): TaskVerdict {
  const { merge, claims } = m;
  const findings: Finding[] = [];
  const unchecked: Unchecked[] = [];
  const id = claims.task;
  const add = (code: FindingCode, commit: string, message: string): void => {
    findings.push({ code, phase: null, ...(id === undefined ? {} : { task: id }), commit, message });
  };
  const blob = claims.plan;
  if (blob === undefined) return { findings, unchecked, plan: undefined, task: undefined };
  const label = `task merge ${short(merge.sha)}`;
  const named = `plan blob:${short(blob)}`;
  const acceptance = accepted.get(blob);
  const before = acceptance !== undefined && acceptance.index > merge.index;
  if (!before && lineCut) {
    unchecked.push({ phase: null, commit: merge.sha, what: `${label} names ${named}, which no planning merge or acknowledgement before it in this clone put on the base: whether one before the cut did was not checked.` });
  } else if (!before) {
    const why = acceptance === undefined ? 'no planning merge or acknowledgement put that planning/tasks.json on the base' : `planning put that plan on the base only after it, in ${short(acceptance.commit)}`;
    add('plan-unknown', merge.sha, `${label} names ${named} (Plan-Digest), but ${why}: the task did not come from a plan planning merged.`);
  }
  const read = book.read(ctx, blob);
  if (read === null) {
    // Reported above, unless the clone is cut (then that is unchecked too).
    return { findings, unchecked, plan: undefined, task: undefined };
  }
  if (!read.ok) {
    if (before) add('plan-unknown', merge.sha, `${label} names ${named}, which is not a plan: ${problemText(read.problems[0] ?? { file: PLAN_PATH, path: '(root)', message: 'unreadable' })}.`);
    return { findings, unchecked, plan: undefined, task: undefined };
  }
  const plan = read.plan;
  const task = id === undefined ? undefined : plan.tasks.find((t) => t.id === id);
  if (id !== undefined && task === undefined) {
    add('task-unknown', merge.sha, `${label} merges task ${id}, which ${named} does not have (it has ${plan.tasks.map((t) => t.id).join(', ')}).`);
  }
  if (task === undefined) return { findings, unchecked, plan, task };
  judgeWrites(ctx, m, task, add, unchecked);
  return { findings, unchecked, plan, task };
}

type Add = (code: FindingCode, commit: string, message: string) => void;

/** The digests over the task's writes, the task commit's scope and the approval. */
function judgeWrites(ctx: AuditContext, m: TaskMerge, task: NormalisedTask, add: Add, unchecked: Unchecked[]): void {
  const { merge, claims, commit, commitClaims } = m;
  const recorded = claims.wellFormed.has('Artifacts-Digest') ? claims.values.get('Artifacts-Digest') : undefined;
  const digest = ctx.files.digest(merge.tree, task.writes);
  if (recorded !== undefined && recorded !== digest) {
    add('digest-mismatch', merge.sha, `task merge ${short(merge.sha)} records Artifacts-Digest ${recorded}, but its tree gives ${digest}: task ${task.id}'s files were changed after the runner wrote the merge.`);
  }
  let committed: string | undefined;
  if (commit !== undefined && commitClaims !== undefined) {
    committed = ctx.files.digest(commit.tree, task.writes);
    const their = commitClaims.wellFormed.has('Artifacts-Digest') ? commitClaims.values.get('Artifacts-Digest') : undefined;
    if (their !== undefined && their !== committed) {
      add('task-digest-mismatch', commit.sha, `task commit ${short(commit.sha)} records Artifacts-Digest ${their}, but its tree gives ${committed} over task ${task.id}'s writes.`);
    }
    const parent = commit.parents[0];
    if (beyondCut(ctx, parent)) {
      unchecked.push({ phase: null, commit: commit.sha, what: `task commit ${short(commit.sha)}'s parent ${short(parent ?? '')} is not in this clone: whether it changes files outside task ${task.id}'s writes was not checked.` });
    } else if (parent !== undefined && ctx.files.store.tree(`${parent}^{tree}`) !== undefined) {
      const { paths, more } = ctx.files.changedOutside(`${parent}^{tree}`, commit.tree, matcherFor(task.writes), OUTSIDE_SHOWN);
      if (paths.length > 0) {
        add('task-outside-writes', commit.sha, `task commit ${short(commit.sha)} changes ${quoteList(paths, 5, more)}, outside task ${task.id}'s writes (${task.writes.join(', ')}).`);
      }
    }
  }
  judgeApproval(m, task, committed, add);
}

/**
 * A task that needs approval (its plan says so) is merged with all three Approved-* trailers,
 * and Approved-Digest is the task commit's Artifacts-Digest: a person approves the task's work
 * as committed, and the merge may also hold what the base changed meanwhile.
 */
function judgeApproval(m: TaskMerge, task: NormalisedTask, committed: string | undefined, add: Add): void {
  const { merge, claims } = m;
  const present = APPROVAL_KEYS.filter((k) => claims.values.has(k));
  if (present.length === 0) {
    if (task.approval === true) add('approval-missing', merge.sha, `task ${task.id} needs a human's approval, but task merge ${short(merge.sha)} has no Approved-* trailers.`);
    return;
  }
  if (present.length < APPROVAL_KEYS.length) {
    add('approval-incomplete', merge.sha, `task merge ${short(merge.sha)} has ${present.join(', ')} but not all of ${APPROVAL_KEYS.join(', ')}.`);
    return;
  }
  const approved = claims.values.get('Approved-Digest');
  if (committed !== undefined && approved !== committed) {
    add('approval-digest-mismatch', merge.sha, `task merge ${short(merge.sha)} was approved for ${approved ?? '?'}, but its task commit's files give ${committed}: what was merged is not what was approved.`);
  }
}
