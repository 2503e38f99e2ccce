// The execution workstream's history, verified from git alone (issue 17): every task merge on
// the base is well formed, merges the task commit it names, comes from a plan planning merged,
// changes only the task's writes (task-trees.ts), and lands once, after every task it depends
// on; and no task commit reached the base any other way. Planning's own checks (audit.ts) never
// see these commits: they are set apart as the history streams (task-history.ts).
import type { AuditContext, MergeRecord } from './context.js';
import type { Decision } from './decisions.js';
import type { Finding, FindingCode } from './findings.js';
import { short } from './format.js';
import { beyondCut } from './shallow.js';
import { readTaskClaims } from './task-claims.js';
import { readTaskMerge, type TaskCommits, type TaskMerge } from './task-history.js';
import { acceptedPlans, judgeTaskTrees, PlanBook, plansAt, type TaskVerdict } from './task-trees.js';

/** One task in the report's summary. */
export interface AuditedTask {
  readonly id: string;
  readonly merged: boolean;
  readonly merge: string | null;
  readonly commit: string | null;
  readonly run_id: string | null;
  readonly attempt: number | null;
  readonly agent: string | null;
  readonly findings: number;
}

export interface TaskAudit {
  readonly findings: readonly Finding[];
  /** Empty when the history has no task merge. */
  readonly tasks: readonly AuditedTask[];
}

/** What planning put on the base, as audit.ts judged it: the plans tasks may come from. */
export interface PlanningHistory {
  readonly records: readonly MergeRecord[];
  /** Record commits that passed their checks. */
  readonly decisions: readonly Decision[];
}

/**
 * `lineCut`: the first-parent line read stops at a shallow clone's cut, so a plan or a
 * dependency merged before it may be missing from what was read (noted, not found).
 */
export async function auditTasks(ctx: AuditContext, commits: TaskCommits, planning: PlanningHistory, lineCut: boolean): Promise<TaskAudit> {
  const findings: Finding[] = [];
  const merges = [...commits.merges].reverse().map((m) =>
    readTaskMerge(m, commits.side, findings, (claims) => {
      const p2 = m.parents[1] ?? '';
      if (beyondCut(ctx, p2)) ctx.uncheck(null, m.sha, `task merge ${short(m.sha)}'s task commit ${short(p2)} is not in this clone: its trailers, Artifacts-Digest and scope were not checked.`);
      else findings.push({ code: 'merge-parent-untrailed', phase: null, ...(claims.task === undefined ? {} : { task: claims.task }), commit: m.sha, message: `task merge ${short(m.sha)} says it merges task ${claims.task ?? '?'}, but its second parent ${short(p2)} carries no task trailers: the task commit was replaced.` });
    }),
  );
  const verdicts = merges.length === 0 ? [] : await judgeAll(ctx, merges, planning, lineCut);
  for (const v of verdicts) {
    findings.push(...v.findings);
    for (const u of v.unchecked) ctx.uncheck(u.phase, u.commit, u.what);
  }
  checkOrder(ctx, merges, verdicts, lineCut, findings);
  checkStrays(commits, merges, findings);
  return { findings, tasks: summarize(merges, verdicts, findings) };
}

async function judgeAll(ctx: AuditContext, merges: readonly TaskMerge[], planning: PlanningHistory, lineCut: boolean): Promise<TaskVerdict[]> {
  const accepted = acceptedPlans(await ctx.files.store.settle(plansAt(ctx, planning.records, planning.decisions)));
  const book = new PlanBook();
  return ctx.files.store.settle(merges.map((m) => () => judgeTaskTrees(ctx, m, accepted, book, lineCut)));
}

/**
 * Each task merged once, by one run, and after every task it depends on: a merge of each of
 * its `depends_on` (as the plan it names has them) is older on the base's first-parent line,
 * which for two commits of that line is what being its ancestor means.
 */
function checkOrder(ctx: AuditContext, merges: readonly TaskMerge[], verdicts: readonly TaskVerdict[], lineCut: boolean, findings: Finding[]): void {
  const byRun = new Map<string, string>();
  const byTask = new Map<string, string>();
  merges.forEach((m, i) => {
    const { merge, claims } = m;
    const id = claims.task;
    const add = (code: FindingCode, message: string): void => {
      findings.push({ code, phase: null, ...(id === undefined ? {} : { task: id }), commit: merge.sha, message });
    };
    const runId = claims.wellFormed.has('Run-Id') ? claims.values.get('Run-Id') : undefined;
    if (runId !== undefined) {
      const earlier = byRun.get(runId);
      if (earlier !== undefined) {
        add('run-merged-twice', `run ${runId} of task ${id ?? '?'} is merged again by ${short(merge.sha)} (first by ${short(earlier)}).`);
        return;
      }
      byRun.set(runId, merge.sha);
    }
    if (id === undefined) return;
    const earlier = byTask.get(id);
    if (earlier !== undefined) {
      add('task-merged-twice', `task ${id} is merged again by ${short(merge.sha)} (run ${runId ?? '?'}), after ${short(earlier)}: a task is merged once.`);
      return;
    }
    byTask.set(id, merge.sha);
    for (const dep of verdicts[i]?.task?.depends_on ?? []) {
      if (byTask.has(dep)) continue;
      const later = merges.slice(i + 1).find((x) => x.claims.task === dep);
      if (later === undefined && lineCut) {
        ctx.uncheck(null, merge.sha, `task ${id} (${short(merge.sha)}) depends on ${dep}, which is not merged before it in the history this clone has: whether it was merged before the cut was not checked.`);
        continue;
      }
      const where = later === undefined ? 'is never merged into this branch' : `is merged only after it, by ${short(later.merge.sha)}`;
      add('task-dependency-not-merged', `task ${id} is merged by ${short(merge.sha)}, but ${dep}, which it depends on, ${where}: a task merges after its dependencies.`);
    }
  });
}

/** Task-trailered commits that are not part of a task merge: copied, cherry-picked or merged by hand. */
function checkStrays(commits: TaskCommits, merges: readonly TaskMerge[], findings: Finding[]): void {
  const merged = new Set<string>();
  const runs = new Set<string>();
  for (const m of merges) {
    merged.add(m.merge.sha);
    if (m.commit !== undefined) merged.add(m.commit.sha);
    const runId = m.claims.values.get('Run-Id');
    if (runId !== undefined) runs.add(runId);
  }
  const ignored: Finding[] = []; // a stray's own trailer problems are not the point
  for (const c of commits.onLine) {
    const claims = readTaskClaims(c, 'commit', ignored);
    const about = claims.task === undefined ? {} : { task: claims.task };
    const runId = claims.values.get('Run-Id');
    if (runId !== undefined && runs.has(runId)) {
      findings.push({ code: 'copied-trailers', phase: null, ...about, commit: c.sha, message: `commit ${short(c.sha)} (${JSON.stringify(c.subject.slice(0, 60))}) on the base carries the trailers of run ${runId}, which a task merge already holds: they were copied.` });
    } else {
      findings.push({ code: 'task-commit-not-merged', phase: null, ...about, commit: c.sha, message: `commit ${short(c.sha)} on the base carries task trailers but is not a task merge: a task commit was cherry-picked or rebased onto the base instead of being merged by phaserunner.` });
    }
  }
  for (const c of commits.side.values()) {
    if (merged.has(c.sha)) continue;
    const claims = readTaskClaims(c, 'commit', ignored);
    const about = claims.task === undefined ? {} : { task: claims.task };
    // A task merge off the line: the base was rewritten, and what it merged survives beside it.
    const what = c.parents.length > 1 ? 'task merge' : 'task commit';
    findings.push({ code: 'hand-merged', phase: null, ...about, commit: c.sha, message: `${what} ${short(c.sha)} (task ${claims.task ?? '?'}, run ${claims.values.get('Run-Id') ?? '?'}) reached the base through a merge phaserunner did not make, so no task merge of the base holds it.` });
  }
}

/**
 * The tasks of the plan the newest task merge names, in plan order, then any other task merged
 * (from an earlier plan); each with its first merge. Empty when no task merged.
 */
function summarize(merges: readonly TaskMerge[], verdicts: readonly TaskVerdict[], findings: readonly Finding[]): AuditedTask[] {
  if (merges.length === 0) return [];
  const plan = [...verdicts].reverse().find((v) => v.plan !== undefined)?.plan;
  const first = new Map<string, TaskMerge>();
  for (const m of merges) if (m.claims.task !== undefined && !first.has(m.claims.task)) first.set(m.claims.task, m);
  const ids = [...new Set([...(plan?.tasks.map((t) => t.id) ?? []), ...first.keys()])];
  return ids.map((id) => {
    const m = first.get(id);
    const v = m?.claims.values;
    const attempt = m?.claims.wellFormed.has('Attempt') === true ? Number(v?.get('Attempt')) : null;
    return {
      id,
      merged: m !== undefined,
      merge: m?.merge.sha ?? null,
      commit: m?.commit?.sha ?? m?.merge.parents[1] ?? null,
      run_id: v?.get('Run-Id') ?? null,
      attempt,
      agent: v?.get('Agent') ?? null,
      findings: findings.filter((f) => f.task === id).length,
    };
  });
}
