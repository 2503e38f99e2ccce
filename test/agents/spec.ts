// How the real-agent suite (suite.ts, execution.ts) is told about one agent CLI: where the
// pinned binary is, its scripted model server, how it is pointed at that server, and what it
// reports. Each CLI's test file (claude.test.ts, codex.test.ts, gemini.test.ts) gives one.
import { join } from 'node:path';
import { cliAsync, type CliResult } from '../helpers/cli.js';
import { ROOT, tempDir } from '../helpers/git.js';
import type { ModelServer } from './models/http.js';
import type { ModelBehaviors } from './models/script.js';

export const agentBin = (bin: string): string => join(ROOT, 'node_modules', '.cache', 'phaserunner-agents', 'node_modules', '.bin', bin);

export interface AgentSpec {
  /** The agent type in config, and its program's name. */
  readonly type: 'claude' | 'codex' | 'gemini';
  readonly start: (behaviors: ModelBehaviors, outsidePath: string) => Promise<ModelServer>;
  /** The agents entry (without type and command) that points the CLI at the server, in a scratch home of its own. */
  readonly settings: (server: ModelServer, scratch: string) => Record<string, unknown>;
  /** What the scripted model reports for each request, and whether the CLI prices it. */
  readonly perRequest: { readonly tokensIn: number; readonly tokensOut: number; readonly cost: boolean };
  /** The shell tool's name, when the CLI offers the model one (Codex does: its sandbox is what stops git). */
  readonly shellTool: string | null;
  /** The refusals the CLI reports for `stray` (outside: where it tried to write). */
  readonly strayDenied: (outsidePath: string) => string[] | undefined;
  /** The phase's failure reason after the model's API error. */
  readonly apiError: RegExp;
  /** The progress line for the phase's first file. */
  readonly writeAction: string;
}

/** The config's entry for the CLI: its type, the pinned binary, pointed at the server from a scratch home of its own. */
export function agentEntry(spec: AgentSpec, server: ModelServer): Record<string, unknown> {
  return { type: spec.type, command: agentBin(spec.type), ...spec.settings(server, tempDir(`phaserunner-${spec.type}-home-`)) };
}

/** The CLI without blocking this process: the model server answers from its event loop. */
export const runAsync = (repo: string, args: string[]): Promise<CliResult> => cliAsync(repo, args).done;
