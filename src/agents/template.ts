// Argv templates of the command adapter: {name} placeholders replaced inside each argument.
import { DEFAULT_WORKSTREAM, type AgentContext } from './types.js';

/** `{task}` is the execution task's id, empty for a planning phase; `{workstream}` is never empty. */
export const ARGV_PLACEHOLDERS = ['prompt_file', 'worktree', 'phase', 'phase_name', 'role', 'run_id', 'task', 'workstream'] as const;

/** Names of unknown placeholders in an argv template (a typo would reach the agent verbatim). */
export function unknownPlaceholders(argv: readonly string[]): string[] {
  const known = new Set<string>(ARGV_PLACEHOLDERS);
  const unknown: string[] = [];
  for (const arg of argv) {
    for (const match of arg.matchAll(/\{([a-z_]+)\}/g)) {
      const name = match[1] ?? '';
      if (!known.has(name)) unknown.push(name);
    }
  }
  return unknown;
}

export function expandArgv(argv: readonly string[], context: AgentContext): string[] {
  const values: Record<(typeof ARGV_PLACEHOLDERS)[number], string> = {
    prompt_file: context.promptFile,
    worktree: context.worktree,
    phase: String(context.phase),
    phase_name: context.phaseName,
    role: context.role,
    run_id: context.runId,
    task: context.task ?? '',
    workstream: context.workstream ?? DEFAULT_WORKSTREAM,
  };
  return argv.map((arg) =>
    arg.replace(/\{([a-z_]+)\}/g, (whole, name: string) => (Object.hasOwn(values, name) ? values[name as keyof typeof values] : whole)),
  );
}
