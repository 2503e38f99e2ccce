// The human audit report.
import type { AuditReport } from '../../audit/audit.js';

export function auditLines(report: AuditReport): string[] {
  const store = { checked: 'cross-checked with the store', absent: 'no store here: git only', unreadable: 'the store could not be read: git only' }[report.store];
  const d = report.definitions;
  const lines = [
    `audit of ${report.ref} at ${report.tip.slice(0, 12)}: ${report.commits} commits read, ${store}`,
    d.source === 'committed'
      ? `definitions: as committed on ${d.base}${d.commit === null ? '' : ` (${d.commit.slice(0, 12)})`}; each merge judged by those committed where its run started`
      : `definitions: phaserunner's built-in phases (no config is committed on ${d.base})`,
  ];
  const cut = report.shallow;
  const before = cut === null || cut.boundary.length === 0 ? undefined : `the history before ${commitList(cut.boundary)}`;
  if (before !== undefined) lines.push(`shallow clone: ${before} is not in this clone; the audit judged only what it has.`);
  lines.push('');
  for (const p of report.phases) {
    const what = p.merged
      ? `merged ${p.merge?.slice(0, 12) ?? ''} (commit ${p.commit?.slice(0, 12) ?? '-'}, run ${p.run_id ?? '?'}, attempt ${p.attempt ?? '?'}, ${p.agent ?? '?'})${p.approved_by === null ? '' : `, approved by ${p.approved_by}`}`
      : before === undefined
        ? 'not merged'
        : 'not merged in the history this clone has';
    lines.push(`  ${p.findings === 0 ? '✓' : '✗'} phase ${p.phase} ${p.name}: ${what}`);
  }
  lines.push(...taskLines(report, before !== undefined), '');
  if (report.ok) {
    const merges = report.tasks.length > 0 ? 'every phase and task merge is' : 'every phase merge is';
    lines.push(cut === null ? `No findings: ${merges} intact.` : 'No findings in what this clone has.');
  } else {
    lines.push(`${report.findings.length} finding(s):`);
    for (const f of report.findings) {
      lines.push(`  [${f.code}] ${f.phase !== null ? `phase ${f.phase}: ` : f.task !== undefined ? `task ${f.task}: ` : ''}${f.message}`);
    }
  }
  const c = report.commands;
  if (c.checks > 0) {
    lines.push(
      c.rerun
        ? `The gates' ${plural(c.checks, 'command check')} ran again on clean checkouts of the merges' trees.`
        : `The gates' ${plural(c.checks, 'command check')} at these merges ${c.checks === 1 ? 'was' : 'were'} not run again: \`phaserunner audit --commands\` runs them on a clean checkout of each merge's tree.`,
    );
  }
  if (cut !== null) {
    lines.push('', `Not checked, for want of ${before ?? 'history this shallow clone does not have'} (${cut.unchecked.length}):`);
    for (const u of cut.unchecked) lines.push(`  - ${u.phase === null ? '' : `phase ${u.phase}: `}${u.what}`);
    lines.push('To audit everything: `git fetch --unshallow`, then `phaserunner audit` again.');
  }
  return lines;
}

/** The execution section: one line per task, when any task was merged. */
function taskLines(report: AuditReport, cut: boolean): string[] {
  const tasks = report.tasks;
  if (tasks.length === 0) return [];
  const merged = tasks.filter((t) => t.merged).length;
  const lines = ['', `execution: ${merged} of ${tasks.length} task${tasks.length === 1 ? '' : 's'} merged`];
  for (const t of tasks) {
    const what = t.merged
      ? `merged ${t.merge?.slice(0, 12) ?? ''} (commit ${t.commit?.slice(0, 12) ?? '-'}, run ${t.run_id ?? '?'}, attempt ${t.attempt ?? '?'}, ${t.agent ?? '?'})`
      : cut
        ? 'not merged in the history this clone has'
        : 'not merged';
    lines.push(`  ${t.findings === 0 ? '✓' : '✗'} task ${t.id}: ${what}`);
  }
  return lines;
}

/** "a", "a and b", "a, b and 3 more": short ids. */
function commitList(shas: readonly string[]): string {
  const shown = shas.slice(0, 3).map((s) => s.slice(0, 12));
  const rest = shas.length - shown.length;
  if (rest > 0) return `${shown.join(', ')} and ${rest} more`;
  return shown.length > 1 ? `${shown.slice(0, -1).join(', ')} and ${shown.at(-1) ?? ''}` : (shown[0] ?? '');
}

function plural(n: number, what: string): string {
  return `${n} ${what}${n === 1 ? '' : 's'}`;
}
