// Human forms of `log` and `show`.
import type { TaskDetail } from '../../execute/show-task.js';
import type { TaskTimeline } from '../../execute/timeline.js';
import type { Timeline } from '../../audit/timeline.js';
import { failureLines } from '../../gates/types.js';
import type { PhaseDetail, ShownCommit } from '../../runner/show.js';
import { totalUsage } from '../../runner/status.js';
import { usageText } from './usage.js';

const seconds = (ms: number | null): string => (ms === null ? '' : ` in ${(ms / 1000).toFixed(1)}s`);

export function timelineLines(t: Timeline): string[] {
  const cut = t.shallow === null ? [] : [`(shallow clone: the history before ${t.shallow.boundary.map((b) => b.slice(0, 12)).join(', ')} is not in this clone, so merges made before it are not listed; \`git fetch --unshallow\` fetches it)`];
  if (t.entries.length === 0 && t.records.length === 0) return [`No phase has been merged into ${t.ref}${t.shallow === null ? '' : ' in the history this clone has'} yet.`, ...cut];
  const lines: string[] = [...cut];
  const recordsAfter = (merge: string | null): void => {
    for (const r of t.records.filter((x) => x.after_merge === merge)) {
      const what = r.kind === 'replan' ? `replan from phase ${r.phase ?? '?'}` : `phase ${r.phase ?? '?'}'s outputs acknowledged`;
      lines.push(`${r.at ?? '?'}  ${what} by ${r.by ?? '?'}  (${r.commit.slice(0, 12)})`);
      for (const line of r.reason.split('\n')) lines.push(`    ${line}`);
    }
  };
  recordsAfter(null);
  for (const e of t.entries) {
    lines.push(`${e.merged_at}  phase ${e.phase ?? '?'} ${e.name ?? '?'}: attempt ${e.attempt ?? '?'} by ${e.agent ?? '?'}${seconds(e.duration_ms)}`);
    for (const a of e.earlier_attempts) lines.push(`    attempt ${a.attempt} ${a.outcome}${seconds(a.duration_ms)}${a.reason === null ? '' : `: ${a.reason}`}`);
    lines.push(`    commit ${e.commit?.slice(0, 12) ?? '-'}  merge ${e.merge.slice(0, 12)}  run ${e.run_id ?? '?'}`);
    if (e.approved_by !== null) lines.push(`    approved by ${e.approved_by} at ${e.approved_at ?? '?'}`);
    recordsAfter(e.merge);
  }
  if (!t.store) lines.push('', '(no store here: durations and attempts that did not merge are not known)');
  return lines;
}

export function showLines(d: PhaseDetail): string[] {
  const lines = [`phase ${d.phase} ${d.name}: ${d.state}, ${d.attempts} attempt(s)`];
  const run = d.run;
  if (run === null) return [...lines, '', 'No attempt has been dispatched (or there is no store here).'];
  lines.push(`attempt ${run.attempt}, run ${run.run_id}, agent ${run.agent}: ${run.step}${run.failure === null ? '' : ` (${run.failure})`}`);
  lines.push(`run files: ${run.run_dir}`);
  const usage = totalUsage([run]);
  if (usage !== null) lines.push(`usage: ${usageText(usage)}`);
  lines.push('', '== gates');
  for (const g of d.gates) {
    lines.push(`${g.moment} ${g.target}: ${g.ok ? 'ok' : 'NOT met'} (${g.evaluated_at})`);
    for (const f of failureLines(g.checks)) lines.push(`  ✗ ${f}`);
  }
  for (const a of d.approvals) lines.push(`${a.decision} by ${a.by} at ${a.at} for ${a.digest}${a.note === null ? '' : `: ${a.note}`}`);
  lines.push(...attemptLines(d, 'phase commit'));
  return lines;
}

function commitLines(label: string, c: ShownCommit | null): string[] {
  if (c === null) return [`${label}: -`];
  return [`${label} ${c.sha}: ${c.subject}`, ...Object.entries(c.trailers).map(([k, v]) => `    ${k}: ${v}`)];
}

/** `show T-003` for people. */
export function taskShowLines(d: TaskDetail): string[] {
  const lines = [`task ${d.task} ${d.title}: ${d.state}, ${d.attempts} of ${d.max_attempts} attempt(s)`];
  if (d.reason !== null) lines.push(`why: ${d.reason}`);
  lines.push(`depends on: ${d.depends_on.length === 0 ? '-' : d.depends_on.join(', ')}`, `writes: ${d.writes.join(', ')}`, `branch: ${d.branch}`);
  for (const c of d.checks) lines.push(`check: ${c.argv.join(' ')} (within ${c.timeout_seconds}s)`);
  for (const r of d.runs) lines.push(`attempt ${r.attempt} (run ${r.run_id}): ${r.step}${r.failure === null ? '' : `: ${r.failure}`}`);
  const run = d.run;
  if (run === null) return [...lines, '', 'No attempt has been dispatched (or there is no store here).'];
  lines.push('', `== attempt ${run.attempt}, agent ${run.agent}`, `run files: ${run.run_dir}`);
  for (const a of d.approvals) lines.push(`${a.decision} by ${a.by} at ${a.at} for ${a.digest}${a.note === null ? '' : `: ${a.note}`}`);
  const failed = d.notes.failedCheck;
  if (failed !== undefined) lines.push('', `== failed check (${failed.where === 'checkout' ? 'in its checkout' : 'on its merge with the base'}): ${failed.label}: ${failed.message}`, failed.outputTail === '' ? '(no output)' : failed.outputTail);
  if (d.notes.conflict !== undefined) lines.push('', `== conflict with the base at ${d.notes.conflict.baseTip}: ${d.notes.conflict.sides.map((s) => s.path).join(', ')}`);
  lines.push(...attemptLines(d, 'task commit'));
  return lines;
}

/** `log --workstream execution` for people. */
export function taskTimelineLines(t: TaskTimeline): string[] {
  if (t.entries.length === 0) return [`No execution task has been merged into ${t.ref} yet.`];
  const lines: string[] = [];
  for (const e of t.entries) {
    lines.push(`${e.merged_at}  ${e.task}: attempt ${e.attempt ?? '?'} by ${e.agent ?? '?'}${seconds(e.duration_ms)}`);
    lines.push(`    ${e.subject}`);
    for (const a of e.earlier_attempts) lines.push(`    attempt ${a.attempt} ${a.outcome}${a.reason === null ? '' : `: ${a.reason}`}`);
    lines.push(`    commit ${e.commit?.slice(0, 12) ?? '-'}  merge ${e.merge.slice(0, 12)}  run ${e.run_id ?? '?'}`);
    if (e.approved_by !== null) lines.push(`    approved by ${e.approved_by}`);
  }
  if (!t.store) lines.push('', '(no store here: durations and attempts that did not merge are not known)');
  return lines;
}

/** What an attempt left, as `show` prints it for a phase or a task. */
function attemptLines(d: Pick<PhaseDetail, 'exit' | 'log_tail' | 'commit' | 'merge' | 'prompt'>, commitLabel: string): string[] {
  return [
    '', '== exit.json', d.exit === null ? '(none yet)' : JSON.stringify(d.exit, null, 2),
    '', '== stdout (tail)', d.log_tail.stdout === '' ? '(empty)' : d.log_tail.stdout,
    '', '== stderr (tail)', d.log_tail.stderr === '' ? '(empty)' : d.log_tail.stderr,
    '', '== commits', ...commitLines(commitLabel, d.commit), ...commitLines('merge', d.merge),
    '', '== prompt', d.prompt ?? '(missing)',
  ];
}
