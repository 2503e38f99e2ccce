// What an agent is doing right now, for progress lines: the last line it wrote.
import { latestAction, structuredOutputOf, type StructuredOutput } from '../dispatch/agent-output/read.js';
import { runFiles } from '../dispatch/run-dir.js';
import { readTailSync } from '../util/fs.js';

const TAIL_BYTES = 8192;

/**
 * What the agent did last: for a CLI with structured output, its newest action ("Write
 * docs/x.md"); otherwise the last non-blank line of its stdout (or stderr), without terminal
 * escapes.
 */
export function latestOutputLine(runDir: string): string | undefined {
  const files = runFiles(runDir);
  const structured = structuredOf(files.spec);
  if (structured !== null) return latestAction(structured, files.stdout) ?? lastLine(files.stderr);
  return lastLine(files.stdout) ?? lastLine(files.stderr);
}

/**
 * dispatch.json, once per attempt: it never changes after dispatch, and progress polls every
 * 250 ms. (A runner process watches a handful of attempts; the map stays that small.)
 */
const structuredBySpec = new Map<string, StructuredOutput | null>();

function structuredOf(specFile: string): StructuredOutput | null {
  let found = structuredBySpec.get(specFile);
  if (found === undefined) {
    found = structuredOutputOf(specFile) ?? null;
    structuredBySpec.set(specFile, found);
  }
  return found;
}

function lastLine(file: string): string | undefined {
  const tail = readTailSync(file, TAIL_BYTES);
  if (tail === undefined) return undefined;
  const lines = tail.text
    // Strip ANSI escape sequences (ESC is a control character by definition) and
    // carriage-return progress redraws.
    // eslint-disable-next-line no-control-regex
    .replace(/\x1b\[[0-9;?]*[ -/]*[@-~]/g, '')
    .split(/\r?\n|\r/)
    .map((l) => l.trim())
    .filter((l) => l !== '');
  return lines.at(-1)?.slice(0, 200);
}
