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

export function statusLines(view: StatusView): string[] {
  // The usage column only once an agent has reported usage: the scripted agent reports none.
  const withUsage = view.phases.some((p) => p.usage !== null);
  const header = ['#', 'phase', 'role', 'state', 'attempts', 'commit', 'merge', 'approval', 'last gate', ...(withUsage ? ['usage'] : [])];
  const rows = view.phases.map((p) => [
    String(p.phase),
    p.name,
    p.role,
    p.state,
    `${p.attempts}/${p.max_attempts}`,
    short(p.commit),
    short(p.merge),
    approvalCell(p),
    gateCell(p),
    ...(withUsage ? [usageText(p.usage)] : []),
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const fmt = (cells: readonly string[]): string => cells.map((c, i) => c.padEnd(widths[i] ?? 0)).join('  ').trimEnd();
  const lines = [
    `${view.workstream} on ${view.base}: ${view.complete ? 'complete' : `current phase ${view.current ?? '-'}`}`,
    '',
    fmt(header),
    ...rows.map(fmt),
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
