// A gate's `command` check is over when its command exits, not when its output closes: a
// command that leaves something running with its stdout (a server a test suite started, a
// daemon) once held the gate until its timeout and failed it, and the process outlived the
// runner. Now the check passes when the command does, and what it left is stopped.
import { describe, expect, it } from 'vitest';
import { runCommandCheck } from '../../src/gates/command-check.js';
import { tempDir } from '../helpers/git.js';
import { isAlive as alive } from '../helpers/setup.js';


describe('a gate command check', () => {
  it('passes when its command exits 0, though a process it left holds its output, and stops that process', async () => {
    // The left process keeps the check's stdout open; its pid is the first line of output.
    const result = await runCommandCheck({ kind: 'command', argv: ['sh', '-c', 'sleep 300 & echo $!; echo done'], timeout_seconds: 60 }, tempDir());
    expect(result).toMatchObject({ ok: true, message: '`sh -c sleep 300 & echo $!; echo done` exited 0.' });
    const pid = Number(result.output?.trim().split('\n')[0]);
    expect(pid).toBeGreaterThan(0);
    expect(alive(pid)).toBe(false);
  }, 90_000);

  it('stops a daemon that left its process group too', async () => {
    const result = await runCommandCheck({ kind: 'command', argv: ['sh', '-c', 'setsid sleep 300 & echo $!'], timeout_seconds: 60 }, tempDir());
    expect(result.ok).toBe(true);
    const pid = Number(result.output?.trim().split('\n')[0]);
    expect(alive(pid)).toBe(false);
  }, 90_000);

  it('still fails a command that exits non-zero, with its last lines', async () => {
    const result = await runCommandCheck({ kind: 'command', argv: ['sh', '-c', 'echo one; echo two >&2; exit 3'], timeout_seconds: 60 }, tempDir());
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toMatch(/exited 3: .*two/);
  });

  it('kills a command at its timeout', async () => {
    const result = await runCommandCheck({ kind: 'command', argv: ['sleep', '30'], timeout_seconds: 1 }, tempDir());
    expect(result).toMatchObject({ ok: false, message: '`sleep 30` did not finish within 1s and was killed.' });
  });
});
