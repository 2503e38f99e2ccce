// Rendering runner events: human lines (with a redrawn progress line on a terminal), or
// NDJSON for `--json`. Progress is throttled so logs stay readable.
import type { RunnerEvent, TaskEvent } from '../../runner/events.js';
import { isTaskEvent, taskRenderer } from './task-events.js';
import { formatDuration } from '../../util/time.js';
import type { Output } from '../output.js';

const SPINNER = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];
/** Without a terminal, repeat an unchanged progress line at most this often. */
const PLAIN_HEARTBEAT_MS = 30_000;
/** NDJSON progress events: at most one per run this often unless the agent's line changed. */
const NDJSON_PROGRESS_MS = 5_000;

export type Renderer = (event: RunnerEvent | TaskEvent) => void;

export function renderer(out: Output): Renderer {
  if (out.json) return ndjsonRenderer(out);
  return humanRenderer(out);
}

function ndjsonRenderer(out: Output): Renderer {
  const last = new Map<string, { line: string | undefined; at: number }>();
  return (event) => {
    if (event.type === 'progress' || event.type === 'task-progress') {
      const prev = last.get(event.runId);
      const now = Date.now();
      if (prev !== undefined && prev.line === event.line && now - prev.at < NDJSON_PROGRESS_MS) return;
      last.set(event.runId, { line: event.line, at: now });
    }
    out.event({ ...event, at: new Date().toISOString() });
  };
}

function humanRenderer(out: Output): Renderer {
  const names = new Map<number, string>();
  let statusShown = false;
  let tick = 0;
  const plain = new Map<string, { line: string | undefined; at: number }>();
  const print = (text: string): void => {
    if (statusShown) {
      out.clearStatus();
      statusShown = false;
    }
    out.line(text);
  };
  const label = (phase: number): string => `phase ${phase}${names.has(phase) ? ` ${names.get(phase) ?? ''}` : ''}`;
  const tasks = taskRenderer(out, print);

  return (event) => {
    if (isTaskEvent(event)) {
      tasks(event);
      return;
    }
    switch (event.type) {
      case 'gate': {
        names.set(event.phase, event.name);
        const verb = event.ok ? 'passed' : 'NOT met';
        const when = event.moment === 'beforeDispatch' ? 'before dispatch' : 'before advance';
        print(`${label(event.phase)}: gate ${event.target} ${verb} ${when} (${event.checks.filter((c) => c.ok).length}/${event.checks.length} checks)`);
        for (const check of event.checks.filter((c) => !c.ok)) {
          print(`    ✗ ${check.message}${check.hint === undefined ? '' : ` ${check.hint}`}`);
        }
        return;
      }
      case 'dispatched':
        names.set(event.phase, event.name);
        print(`${label(event.phase)}: dispatched attempt ${event.attempt} to ${event.agent} as ${event.role} (run ${event.runId}, timeout ${event.timeoutMinutes} min)`);
        print(`    branch ${event.branch}`);
        print(`    worktree ${event.worktree}`);
        return;
      case 'progress': {
        const text = `${label(event.phase)} · ${formatDuration(event.elapsedMs)}${event.line === undefined ? '' : ` · ${event.line}`}`;
        if (out.interactive) {
          out.status(`${SPINNER[tick++ % SPINNER.length] ?? ''} ${text}`);
          statusShown = true;
          return;
        }
        const prev = plain.get(event.runId);
        const now = Date.now();
        // Plain output gets a line when the agent says something new, or a heartbeat.
        if (prev === undefined ? event.line === undefined : prev.line === event.line && now - prev.at < PLAIN_HEARTBEAT_MS) return;
        plain.set(event.runId, { line: event.line, at: now });
        print(`    ${text}`);
        return;
      }
      case 'agent-exited': {
        const how = event.timedOut
          ? 'was killed at the phase timeout'
          : event.signal !== null
            ? `was killed by ${event.signal}`
            : `exited ${event.exitCode ?? '?'}`;
        print(`${label(event.phase)}: agent ${how} after ${formatDuration(event.durationMs)}`);
        return;
      }
      case 'outside-changes':
        print(`${label(event.phase)}: while the agent ran, this changed outside its checkout (by git or in your checkout; check it was you): ${event.changes.join('; ')}`);
        return;
      case 'committed':
        print(`${label(event.phase)}: committed ${event.commit.slice(0, 12)} on ${event.branch} (${event.files.length} file${event.files.length === 1 ? '' : 's'})`);
        return;
      case 'merged':
        print(`${label(event.phase)}: merged into ${event.base} as ${event.merge.slice(0, 12)}`);
        return;
      case 'phase-done':
        print(`${label(event.phase)}: done ✓`);
        return;
      case 'phase-failed':
        print(`${label(event.phase)}: attempt ${event.attempt} of ${event.maxAttempts} FAILED: ${event.reason}`);
        print(`    logs and prompt: ${event.runDir}`);
        if (event.snapshot !== null) print(`    the agent's files are kept in ${event.snapshot}`);
        return;
      case 'blocked':
        print(`${label(event.phase)}: blocked: ${event.reason}`);
        return;
      case 'conflict':
        print(`${label(event.phase)}: CONFLICT merging ${event.branch}: ${event.paths.join(', ')}`);
        return;
      case 'awaiting-approval':
        names.set(event.phase, event.name);
        print(`${label(event.phase)}: awaiting approval: ${event.reason}`);
        return;
      case 'approved':
        names.set(event.phase, event.name);
        print(`${label(event.phase)}: approved by ${event.by} (${event.digest.slice(0, 19)}…, commit ${event.commit.slice(0, 12)})`);
        return;
      case 'rejected':
        names.set(event.phase, event.name);
        print(`${label(event.phase)}: rejected by ${event.by}: ${event.reason}`);
        print(`    the rejected commit is kept in ${event.kept}`);
        if (event.exhausted) print('    no attempts are left: the phase is failed');
        return;
      case 'replanned':
        print(`replanned by ${event.by}: phase${event.phases.length > 1 ? 's' : ''} ${event.phases.join(', ')} will be planned again (recorded on the base as ${event.commit.slice(0, 12)})`);
        print(`    why: ${event.reason.split('\n')[0] ?? ''}`);
        return;
      case 'acknowledged':
        print(`${label(event.phase)}: its outputs as they are now acknowledged by ${event.by} (${event.digest.slice(0, 19)}…, recorded on the base as ${event.commit.slice(0, 12)})`);
        return;
      case 'complete':
        print(event.workstream === 'execution' ? 'execution: every task merged ✓' : `${event.workstream}: all phases done ✓`);
        return;
      case 'store-rebuilt': {
        const merged = event.phases.filter((p) => p.merge !== null).map((p) => p.phase);
        const running = event.phases.filter((p) => p.merge === null).map((p) => p.phase);
        print(`the store ${event.file} had no record of this work (lost, or a fresh clone); rebuilt it from git: ${merged.length > 0 ? `phase${merged.length > 1 ? 's' : ''} ${merged.join(', ')} merged` : 'no phase merged yet'}${running.length > 0 ? `; the attempt${running.length > 1 ? 's' : ''} of phase ${running.join(', ')} adopted` : ''}.`);
        return;
      }
    }
  };
}
