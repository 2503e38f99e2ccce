// The human status table.
import { totalUsage, type PhaseStatus, type StatusView } from '../../runner/status.js';
import { usageText } from './usage.js';

const short = (sha: string | null): string => (sha === null ? '-' : sha.slice(0, 12));

function gateCell(p: PhaseStatus): string {
  if (p.last_gate === null) return '-';
  return `${p.last_gate.target} ${p.last_gate.ok ? 'ok' : 'NOT met'}`;
}

function approvalCell(p: PhaseStatus): string {
  if (p.approval !== null) return `${p.approval.decision} by ${p.approval.by}`;
  return p.needs_approval ? 'required' : '-';
}

interface Column {
  readonly header: string;
  readonly cell: (p: PhaseStatus) => string;
  /** Columns with a rank are left out, lowest first, when the table is wider than asked. */
  readonly rank?: number;
}

/**
 * The status as lines. With `width` (a terminal: `status --watch`), columns are left out,
 * least useful first (commit, merge, role, usage, approval, attempts), until the table fits.
 */
export function statusLines(view: StatusView, width?: number): string[] {
  // The usage column only once an agent has reported usage: the scripted agent reports none.
  const withUsage = view.phases.some((p) => p.usage !== null);
  const all: Column[] = [
    { header: '#', cell: (p) => String(p.phase) },
    { header: 'phase', cell: (p) => p.name },
    { header: 'role', cell: (p) => p.role, rank: 3 },
    { header: 'state', cell: (p) => p.state },
    { header: 'attempts', cell: (p) => `${p.attempts}/${p.max_attempts}`, rank: 6 },
    { header: 'commit', cell: (p) => short(p.commit), rank: 1 },
    { header: 'merge', cell: (p) => short(p.merge), rank: 2 },
    { header: 'approval', cell: approvalCell, rank: 5 },
    { header: 'last gate', cell: gateCell },
    ...(withUsage ? [{ header: 'usage', cell: (p: PhaseStatus) => usageText(p.usage), rank: 4 }] : []),
  ];
  const table = (columns: readonly Column[]): string[] => {
    const rows = [columns.map((c) => c.header), ...view.phases.map((p) => columns.map((c) => c.cell(p)))];
    const widths = columns.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length)));
    return rows.map((cells) => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd());
  };
  let columns = all;
  let rows = table(columns);
  while (width !== undefined && rows.some((r) => r.length > width)) {
    const drop = columns.filter((c) => c.rank !== undefined).sort((a, b) => (a.rank ?? 0) - (b.rank ?? 0))[0];
    if (drop === undefined) break;
    columns = columns.filter((c) => c !== drop);
    rows = table(columns);
  }
  const lines = [
    `${view.workstream} on ${view.base}: ${view.configured ? (view.complete ? 'complete' : `current phase ${view.current ?? '-'}`) : 'not set up (the built-in phases)'}`,
    '',
    ...rows,
  ];
  if (withUsage) lines.push('', `usage, all phases and attempts: ${usageText(totalUsage(view.phases.flatMap((p) => (p.usage === null ? [] : [p.usage]))))}`);
  const focus = view.phases.find((p) => p.state !== 'done' && p.state !== 'pending') ?? view.phases.find((p) => p.state !== 'done');
  if (focus !== undefined && (focus.state !== 'pending' || focus.last_gate !== null)) {
    lines.push('', `phase ${focus.phase} ${focus.name}: ${focus.state}`);
    lines.push(`  branch ${focus.branch}`);
    if (focus.reason !== null) lines.push(`  ${focus.reason}`);
    for (const failure of focus.last_gate?.failures ?? []) lines.push(`  ✗ ${failure}`);
    if (focus.run_dir !== null) lines.push(`  run files: ${focus.run_dir}`);
  }
  lines.push('', `Next: ${view.next}`);
  return lines;
}
