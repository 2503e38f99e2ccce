// `run --workstream execution --wait` on a terminal: a board of one line per working task
// (id, what it is at, elapsed, its agent's latest action), redrawn in place under the lines
// that record what happened; without a terminal, plain lines. The renderer is fed events and
// writes into a stream standing in for the terminal.
import { Writable } from 'node:stream';
import { describe, expect, it, onTestFinished } from 'vitest';
import { Output } from '../../src/cli/output.js';
import { renderer } from '../../src/cli/render/events.js';
import type { TaskEvent } from '../../src/runner/events.js';

function terminal(tty: boolean): { out: Output; text: () => string } {
  let written = '';
  const stream = new Writable({
    write(chunk: Buffer, _encoding, done) {
      written += chunk.toString();
      done();
    },
  }) as unknown as NodeJS.WriteStream;
  Object.assign(stream, { isTTY: tty, columns: 80, rows: 40 });
  return { out: new Output(false, stream, stream), text: () => written };
}

const dispatched = (task: string): TaskEvent => ({ type: 'task-dispatched', task, title: `Build ${task}`, attempt: 1, maxAttempts: 3, runId: `run-${task}`, agent: 'scripted', branch: `phaserunner/execution/${task}`, worktree: '/w', runDir: '/r', timeoutMinutes: 30, resolution: false });
const progress = (task: string, line: string): TaskEvent => ({ type: 'task-progress', task, runId: `run-${task}`, stage: 'agent', elapsedMs: 65_000, line });

/** The lines of the last board drawn: what follows the last "clear to the end of the screen". */
function lastBoard(text: string): string[] {
  return (text.split('\x1b[J').at(-1) ?? '').split('\n').filter((l) => l !== '');
}

describe('the task board', () => {
  it('on a terminal, shows one line per working task, each with its own latest action', () => {
    // A terminal that can redraw (TERM=dumb cannot), whatever the one running the tests is.
    const term = process.env['TERM'];
    process.env['TERM'] = 'xterm';
    onTestFinished(() => {
      if (term === undefined) delete process.env['TERM'];
      else process.env['TERM'] = term;
    });
    const { out, text } = terminal(true);
    const render = renderer(out);
    for (const t of ['T-002', 'T-003', 'T-004']) render(dispatched(t));
    render(progress('T-002', 'writing src/a.js'));
    render(progress('T-003', 'writing src/b.js'));
    render(progress('T-004', 'running the tests'));
    const board = lastBoard(text());
    expect(board).toHaveLength(3);
    expect(board[0]).toMatch(/^ {2}T-002 +agent +1m ?0?5s +writing src\/a\.js$/);
    expect(board[1]).toContain('writing src/b.js');
    expect(board[2]).toContain('running the tests');
    for (const line of board) expect(line.length).toBeLessThanOrEqual(79);
    // A task that merges leaves the board; the line saying so is printed above it.
    render({ type: 'task-merged', task: 'T-003', runId: 'run-T-003', merge: 'a'.repeat(40), base: 'main' });
    expect(text()).toContain('T-003: merged into main as aaaaaaaaaaaa ✓');
    expect(lastBoard(text()).map((l) => l.trim().split(/\s+/)[0])).toEqual(['T-002', 'T-004']);
  });

  it('without a terminal, prints plain lines and no board', () => {
    const { out, text } = terminal(false);
    const render = renderer(out);
    render(dispatched('T-002'));
    render(progress('T-002', 'writing src/a.js'));
    render(progress('T-002', 'writing src/a.js'));
    expect(text()).not.toContain('\x1b[');
    expect(text().match(/writing src\/a\.js/g)).toHaveLength(1);
    expect(text()).toContain('T-002: attempt 1 of 3 dispatched to scripted (run run-T-002): Build T-002');
  });
});
