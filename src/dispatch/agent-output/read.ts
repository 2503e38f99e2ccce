// Reading an agent's structured stdout: its report at the end (for exit.json) and its latest
// action (for progress lines).
import { readFileSync } from 'node:fs';
import { readTailSync } from '../../util/fs.js';
import { parseDispatchSpec } from '../spec.js';
import { claudeOutput } from './claude.js';
import { codexOutput } from './codex.js';
import { geminiOutput } from './gemini.js';
import { oneLine, type AgentReport, type OutputFormat, type OutputReader } from './types.js';

const READERS: Record<OutputFormat, OutputReader> = {
  'claude-stream-json': claudeOutput,
  'codex-json': codexOutput,
  'gemini-stream-json': geminiOutput,
};

/**
 * How much of the end of stdout is read. The report is in the last events, but one event can
 * be large (a final message, a tool call carrying a whole file); a log can be gigabytes.
 */
export const REPORT_BYTES = 1024 * 1024;
const ACTION_BYTES = 64 * 1024;

/** Complete lines at the end of a file: the first one, when the tail cut it, is dropped. */
export function tailLines(file: string, bytes: number): string[] {
  const tail = readTailSync(file, bytes);
  if (tail === undefined) return [];
  const lines = tail.text.split('\n');
  if (!tail.whole) lines.shift();
  return lines.map((l) => l.trim()).filter((l) => l !== '');
}

export function agentReport(format: OutputFormat, stdoutFile: string): AgentReport {
  return READERS[format].report(tailLines(stdoutFile, REPORT_BYTES));
}

/** An attempt whose agent writes JSON events: their format, and its checkout. */
export interface StructuredOutput {
  readonly format: OutputFormat;
  readonly cwd: string;
}

/** The newest event in stdout that shows what the agent is doing. */
export function latestAction(output: StructuredOutput, stdoutFile: string): string | undefined {
  return latestActions(output, stdoutFile, 1)[0];
}

/**
 * The last `n` actions in stdout, oldest first: a readable tail of a log of JSON events.
 * Paths inside the checkout are shown relative to it ("Write docs/x.md").
 */
export function latestActions(output: StructuredOutput, stdoutFile: string, n: number, bytes = ACTION_BYTES): string[] {
  const actions: string[] = [];
  const lines = tailLines(stdoutFile, bytes);
  const prefix = output.cwd.endsWith('/') ? output.cwd : `${output.cwd}/`;
  for (let i = lines.length - 1; i >= 0 && actions.length < n; i--) {
    const action = READERS[output.format].action(lines[i] ?? '');
    if (action !== undefined) actions.push(oneLine(action.replaceAll(prefix, '')));
  }
  return actions.reverse();
}

/** How an attempt's agent was started (its dispatch.json), when it writes JSON events. */
export function structuredOutputOf(specFile: string): StructuredOutput | undefined {
  try {
    const spec = parseDispatchSpec(readFileSync(specFile, 'utf8'), specFile);
    return spec.output_format === undefined ? undefined : { format: spec.output_format, cwd: spec.cwd };
  } catch {
    return undefined;
  }
}
