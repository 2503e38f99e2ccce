// The execution workstream's events for people. On a terminal, the tasks at work are a board:
// one line per task (id, what it is at, elapsed, its agent's latest action), redrawn in place
// under the lines that record what happened. Without a terminal, plain lines, a progress line
// only when a task says something new or as a heartbeat.
import type { TaskEvent } from '../../runner/events.js';
import { formatDuration } from '../../util/time.js';
import type { Output } from '../output.js';

const PLAIN_HEARTBEAT_MS = 30_000;

interface BoardRow {
  readonly stage: string;
  readonly elapsedMs: number;
  readonly line: string | undefined;
}

export function isTaskEvent(event: { readonly type: string }): event is TaskEvent {
  return event.type.startsWith('task-');
}

export function taskRenderer(out: Output, print: (text: string) => void): (event: TaskEvent) => void {
  const board = new Map<string, BoardRow>();
  const plain = new Map<string, { line: string | undefined; at: number }>();
  let drawn = false;
  const redraw = (): void => {
    if (!out.interactive) return;
    const width = out.columns - 1;
    const lines = [...board.entries()].map(([task, row]) => fit(`  ${task.padEnd(8)} ${row.stage.padEnd(11)} ${formatDuration(row.elapsedMs).padStart(7)}  ${row.line ?? ''}`, width));
    out.frame(lines);
    drawn = lines.length > 0;
  };
  const say = (text: string): void => {
    if (drawn) {
      out.frame([]);
      drawn = false;
    }
    print(text);
  };
  const done = (task: string): void => {
    board.delete(task);
    plain.delete(task);
  };

  return (event) => {
    switch (event.type) {
      case 'task-progress': {
        board.set(event.task, { stage: event.stage, elapsedMs: event.elapsedMs, line: event.line });
        if (out.interactive) {
          redraw();
          return;
        }
        const prev = plain.get(event.task);
        const now = Date.now();
        if (prev === undefined ? event.line === undefined : prev.line === event.line && now - prev.at < PLAIN_HEARTBEAT_MS) return;
        plain.set(event.task, { line: event.line, at: now });
        say(`    ${event.task} · ${event.stage} · ${formatDuration(event.elapsedMs)}${event.line === undefined ? '' : ` · ${event.line}`}`);
        return;
      }
      case 'task-dispatched':
        say(`${event.task}: ${event.resolution ? 'resolution attempt' : 'attempt'} ${event.attempt} of ${event.maxAttempts} dispatched to ${event.agent} (run ${event.runId}): ${event.title}`);
        board.set(event.task, { stage: 'agent', elapsedMs: 0, line: undefined });
        break;
      case 'task-exited': {
        const how = event.timedOut ? 'was killed at its timeout' : event.signal !== null ? `was killed by ${event.signal}` : `exited ${event.exitCode ?? '?'}`;
        say(`${event.task}: agent ${how} after ${formatDuration(event.durationMs)}`);
        break;
      }
      case 'task-committed':
        say(`${event.task}: committed ${event.commit.slice(0, 12)} on ${event.branch} (${event.files.length} file${event.files.length === 1 ? '' : 's'}); its checks run`);
        board.set(event.task, { stage: 'checks', elapsedMs: 0, line: undefined });
        break;
      case 'task-verified':
        say(`${event.task}: ${event.checks} check${event.checks === 1 ? '' : 's'} passed in its checkout; queued for merge`);
        done(event.task);
        break;
      case 'task-integrating':
        say(`${event.task}: testing its merge with ${event.baseTip.slice(0, 12)} (candidate ${event.candidate.slice(0, 12)}, ${event.checks} check${event.checks === 1 ? '' : 's'})`);
        board.set(event.task, { stage: 'integration', elapsedMs: 0, line: undefined });
        break;
      case 'task-merged':
        say(`${event.task}: merged into ${event.base} as ${event.merge.slice(0, 12)} ✓`);
        done(event.task);
        break;
      case 'task-failed':
        say(`${event.task}: attempt ${event.attempt} of ${event.maxAttempts} FAILED: ${event.reason}`);
        say(`    logs and prompt: ${event.runDir}`);
        if (event.snapshot !== null) say(`    its files are kept in ${event.snapshot}`);
        if (event.forGood) say(`    no attempts are left: \`phaserunner retry ${event.task}\` after a look`);
        done(event.task);
        break;
      case 'task-blocked':
        say(`${event.task}: blocked by ${event.causes.join(', ')}`);
        break;
      case 'task-unblocked':
        say(`${event.task}: no longer blocked`);
        break;
      case 'task-conflict':
        say(`${event.task}: CONFLICT with the base at ${event.paths.join(', ')}; its commit is kept as ${event.kept}`);
        done(event.task);
        break;
      case 'task-awaiting-approval':
        say(`${event.task}: verified; awaiting approval (\`phaserunner approve ${event.task}\`)`);
        done(event.task);
        break;
      case 'task-restored':
        say(`the store had no record of execution; ${event.tasks.join(', ')} found merged on the base and recorded (not run again)`);
        break;
      case 'task-waiting':
        say(`${event.task}: waiting: ${event.reason}`);
        break;
    }
    redraw();
  };
}

function fit(text: string, width: number): string {
  return text.length > width ? `${text.slice(0, Math.max(0, width - 1))}…` : text;
}
