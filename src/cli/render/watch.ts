// `status --watch`, rendered three ways: on a terminal a frame redrawn in place (the status
// table fitted to the width, the agents, the runner); for logs a line per change; with
// --json one document per change.
import type { PhaseStatus } from '../../runner/status.js';
import type { WatchSnapshot } from '../../runner/watch.js';
import { formatDuration } from '../../util/time.js';
import { statusLines } from './status.js';

/** One `status --watch --json` document: the `status --json` document, the runner and the agents. */
export function watchDocument(s: WatchSnapshot): Record<string, unknown> {
  return {
    ...s.view,
    runner: s.runner,
    agents: s.agents.map((a) => ({ phase: a.phase, run_id: a.run_id, working: a.working })),
  };
}

/** The terminal frame: every line fits `width` (long lines are wrapped, agent output cut). */
export function watchFrame(s: WatchSnapshot, width: number, footer: string): string[] {
  const max = Math.max(20, width - 1);
  return [...statusLines(s.view, max).flatMap((l) => wrap(l, max)), '', ...agentLines(s).map((l) => cut(l, max)), ...wrap(runnerText(s), max), ...wrap(footer, max)];
}

/** The agents and the runner, a line each (for logs, under the first table). */
export function contextLines(s: WatchSnapshot): string[] {
  return [...agentLines(s), runnerText(s)];
}

function agentLines(s: WatchSnapshot): string[] {
  return s.agents.map((a) => agentText(s, a.phase, a.working, a.elapsed_ms, a.line));
}

/** What changed between two snapshots, a line each (for logs). */
export function changeLines(prev: WatchSnapshot, next: WatchSnapshot): string[] {
  const lines: string[] = [];
  for (const p of next.view.phases) {
    const before = prev.view.phases.find((x) => x.phase === p.phase);
    if (before?.state === p.state && before.attempts === p.attempts) continue;
    lines.push(`phase ${p.phase} ${p.name}: ${before?.state ?? 'pending'} → ${stateText(p)}`);
  }
  if (prev.runner?.pid !== next.runner?.pid || prev.runner?.since !== next.runner?.since) {
    if (prev.runner !== null) lines.push(`runner pid ${prev.runner.pid} on ${prev.runner.host} let go of the lock`);
    if (next.runner !== null) lines.push(`runner pid ${next.runner.pid} on ${next.runner.host} took the lock`);
  }
  for (const a of next.agents) {
    const before = prev.agents.find((x) => x.run_id === a.run_id);
    if (a.working && a.line !== null && a.line !== before?.line) lines.push(`    ${agentText(next, a.phase, true, a.elapsed_ms, a.line)}`);
    if (!a.working && before?.working !== false) lines.push(agentText(next, a.phase, false, a.elapsed_ms, null));
  }
  return lines;
}

function label(s: WatchSnapshot, phase: number): string {
  const name = s.view.phases.find((p) => p.phase === phase)?.name;
  return `phase ${phase}${name === undefined ? '' : ` ${name}`}`;
}

function agentText(s: WatchSnapshot, phase: number, working: boolean, elapsedMs: number, line: string | null): string {
  if (!working) return `${label(s, phase)}: the agent has ended${s.runner === null ? '; `phaserunner run` collects it' : ''}`;
  return `${label(s, phase)} · ${formatDuration(elapsedMs)}${line === null ? '' : ` · ${line}`}`;
}

function runnerText(s: WatchSnapshot): string {
  return s.runner === null ? 'No runner holds the lock.' : `Runner: pid ${s.runner.pid} on ${s.runner.host}, since ${s.runner.since}.`;
}

function stateText(p: PhaseStatus): string {
  switch (p.state) {
    case 'running':
      return `running (attempt ${p.attempts})`;
    case 'done':
      return p.merge === null ? 'done' : `done (merged as ${p.merge.slice(0, 12)})`;
    case 'failed':
    case 'blocked':
    case 'conflict':
    case 'awaiting_approval':
      return p.reason === null || p.reason === '' ? p.state : `${p.state}: ${p.reason}`;
    case 'pending':
      return p.state;
  }
}

/** A line cut to `width` with an ellipsis (agent output: its start says the most). */
function cut(line: string, width: number): string {
  return line.length > width ? `${line.slice(0, width - 1)}…` : line;
}

/** A line wrapped at spaces to `width`; a word longer than that (a path) is broken. */
export function wrap(line: string, width: number): string[] {
  if (line.length <= width) return [line];
  const indent = /^ */.exec(line)?.[0] ?? '';
  // Continuation lines are indented two more, unless that leaves too little room.
  const pad = indent.length + 2 <= width / 2 ? `${indent}  ` : '';
  const out: string[] = [];
  let rest = line;
  while (rest.length > width) {
    const lead = (/^ */.exec(rest)?.[0] ?? '').length;
    const space = rest.lastIndexOf(' ', width);
    const at = space > lead ? space : width;
    out.push(rest.slice(0, at).trimEnd());
    rest = `${pad}${rest.slice(at).trimStart()}`;
  }
  out.push(rest);
  return out;
}
