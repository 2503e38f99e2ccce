// The human audit report.
import type { AuditReport } from '../../audit/audit.js';

export function auditLines(report: AuditReport): string[] {
  const store = { checked: 'cross-checked with the store', absent: 'no store here: git only', unreadable: 'the store could not be read: git only' }[report.store];
  const lines = [`audit of ${report.ref} at ${report.tip.slice(0, 12)}: ${report.commits} commits read, ${store}`, ''];
  for (const p of report.phases) {
    const what = p.merged
      ? `merged ${p.merge?.slice(0, 12) ?? ''} (commit ${p.commit?.slice(0, 12) ?? '-'}, run ${p.run_id ?? '?'}, attempt ${p.attempt ?? '?'}, ${p.agent ?? '?'})${p.approved_by === null ? '' : `, approved by ${p.approved_by}`}`
      : 'not merged';
    lines.push(`  ${p.findings === 0 ? '✓' : '✗'} phase ${p.phase} ${p.name}: ${what}`);
  }
  lines.push('');
  if (report.ok) {
    lines.push('No findings: every phase merge is intact.');
    return lines;
  }
  lines.push(`${report.findings.length} finding(s):`);
  for (const f of report.findings) {
    lines.push(`  [${f.code}] ${f.phase === null ? '' : `phase ${f.phase}: `}${f.message}`);
  }
  return lines;
}
