// The execution status table, readable at 80 columns: one line per task (id, state, attempts,
// what it depends on, its title or why it is not merged), then what to do next.
import type { ExecutionStatusView, TaskStatus } from '../../execute/status.js';

export function executionStatusLines(view: ExecutionStatusView, width = 80): string[] {
  const idWidth = Math.max(4, ...view.tasks.map((t) => t.id.length));
  const stateWidth = Math.max(5, ...view.tasks.map((t) => t.state.length));
  const depsOf = (t: TaskStatus): string => (t.depends_on.length === 0 ? '-' : t.depends_on.join(','));
  const depsWidth = Math.min(16, Math.max(7, ...view.tasks.map((t) => depsOf(t).length)));
  const lines = [fit(`execution on ${view.base} · concurrency ${view.concurrency} · plan ${view.plan.file} (${view.plan.digest.slice(0, 17)}…)`, width), ''];
  lines.push(fit(`${'task'.padEnd(idWidth)}  ${'state'.padEnd(stateWidth)}  try  ${'depends'.padEnd(depsWidth)}  title / why not merged`, width));
  for (const t of view.tasks) {
    const tries = `${t.attempts}/${t.max_attempts}`.padEnd(3);
    const text = t.state === 'merged' ? `${t.title} (${t.merge?.slice(0, 12) ?? ''})` : t.reason === null ? t.title : `${t.title}: ${t.reason}`;
    lines.push(fit(`${t.id.padEnd(idWidth)}  ${t.state.padEnd(stateWidth)}  ${tries}  ${fit(depsOf(t), depsWidth).padEnd(depsWidth)}  ${text.replace(/\s+/g, ' ')}`, width));
  }
  lines.push('', ...wrap(`Next: ${view.next}`, width));
  return lines;
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}

/** Words to lines of at most `width` (a word longer than that is cut). */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/)) {
    if (line !== '' && line.length + 1 + word.length > width) {
      lines.push(line);
      line = '';
    }
    line = fit(line === '' ? word : `${line} ${word}`, width);
  }
  if (line !== '') lines.push(line);
  return lines;
}
