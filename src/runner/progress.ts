// What an agent is doing right now, for progress lines: the last line it wrote.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { latestAction, structuredOutputOf } from '../dispatch/agent-output/read.js';
import { runFiles } from '../dispatch/run-dir.js';

const TAIL_BYTES = 8192;

/**
 * What the agent did last: for a CLI with structured output, its newest action ("Write
 * docs/x.md"); otherwise the last non-blank line of its stdout (or stderr), without terminal
 * escapes.
 */
export function latestOutputLine(runDir: string): string | undefined {
  const files = runFiles(runDir);
  const structured = structuredOutputOf(files.spec);
  if (structured !== undefined) return latestAction(structured, files.stdout) ?? lastLine(files.stderr);
  return lastLine(files.stdout) ?? lastLine(files.stderr);
}


function lastLine(file: string): string | undefined {
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return undefined;
  }
  try {
    const size = fstatSync(fd).size;
    const length = Math.min(size, TAIL_BYTES);
    const buffer = Buffer.alloc(length);
    readSync(fd, buffer, 0, length, size - length);
    const lines = buffer
      .toString('utf8')
      // Strip ANSI escape sequences (ESC is a control character by definition) and
      // carriage-return progress redraws.
      // eslint-disable-next-line no-control-regex
      .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
      .split(/\r?\n|\r/)
      .map((l) => l.trim())
      .filter((l) => l !== '');
    return lines.at(-1)?.slice(0, 200);
  } finally {
    closeSync(fd);
  }
}
