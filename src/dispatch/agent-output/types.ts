// What an agent CLI says about its own run in its structured output: usage, failure, refusals,
// and its latest action. Read by the wrapper (into exit.json) and by progress lines. Plain
// TypeScript, no packages: the wrapper starts once per phase and loads nothing it can avoid.

/** The structured stdout an adapter asked its CLI for (dispatch.json's `output_format`). */
export const OUTPUT_FORMATS = ['claude-stream-json', 'codex-json', 'gemini-stream-json'] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export function isOutputFormat(value: unknown): value is OutputFormat {
  return (OUTPUT_FORMATS as readonly unknown[]).includes(value);
}

/** The agent's own account of its run; every field only when the CLI reported it. */
export interface AgentReport {
  tokens_in?: number;
  tokens_out?: number;
  cost_usd?: number;
  /** The CLI ended with an error of its own though it exited 0 (a model or API error, say). */
  agent_error?: string;
  /** Tool calls the CLI refused on its permission rules, as "Tool target". */
  denied?: string[];
}

export interface OutputReader {
  /** The report, from stdout's last lines (oldest first; the end of a long log only). */
  report(lines: readonly string[]): AgentReport;
  /**
   * What one event line shows the agent doing, if anything ("Write /abs/docs/x.md", or its
   * text); the caller shortens it to one line.
   */
  action(line: string): string | undefined;
}

/** One JSON object per line; anything else (a partial line at the edge of a tail, a warning) is skipped. */
export function parseEvent(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

export const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
export const count = (v: unknown): number | undefined => (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0 ? v : undefined);
export const amount = (v: unknown): number | undefined => (typeof v === 'number' && Number.isFinite(v) && v >= 0 ? v : undefined);

/** A line of text cut to fit a progress line. */
export function oneLine(text: string, max = 160): string {
  const line = text.split('\n').map((l) => l.trim()).find((l) => l !== '') ?? '';
  return line.length > max ? `${line.slice(0, max - 1)}…` : line;
}

/** The arguments that name what a tool call works on, most telling first, across the CLIs' tools. */
const TARGET_KEYS = ['file_path', 'dir_path', 'path', 'pattern', 'command', 'url', 'description'];

/** "Write docs/x.md", "run_shell_command git status": the tool, and the first thing it names. */
export function describeTool(name: unknown, input: unknown): string {
  const tool = typeof name === 'string' ? name : 'a tool';
  if (!isRecord(input)) return tool;
  const target = TARGET_KEYS.map((k) => input[k]).find((v) => typeof v === 'string');
  return typeof target === 'string' ? `${tool} ${target}` : tool;
}
