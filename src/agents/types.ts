// The agent adapter interface. An adapter knows how to start one agent CLI for one attempt;
// it never waits for it (the dispatch wrapper does). Real CLIs (claude, codex, gemini, aider)
// implement this same interface.
import type { OutputFormat } from '../dispatch/agent-output/types.js';
import type { EnvRule } from './env-allowlist.js';

/** Everything an adapter may use to build the invocation. */
export interface AgentContext {
  readonly promptFile: string;
  readonly worktree: string;
  readonly runDir: string;
  /** The workstream the attempt belongs to: `planning` when absent. */
  readonly workstream?: string;
  /** An execution task's id (`T-003`); absent for a planning phase. */
  readonly task?: string;
  /** A planning phase's number; 0 for a task. */
  readonly phase: number;
  /** A planning phase's name; the task's id for a task. */
  readonly phaseName: string;
  readonly role: string;
  readonly runId: string;
  readonly attempt: number;
  readonly outputs: readonly string[];
  /** Repository-relative path of the intent file. */
  readonly intent: string;
}

/** How the wrapper should start the agent. */
export interface AgentInvocation {
  readonly argv: readonly string[];
  /** Variables set for the agent: phaserunner's own, the adapter's, the config's `env`. */
  readonly env: Readonly<Record<string, string>>;
  /**
   * What it may take from the runner's environment besides the common allowlist: its CLI's
   * variables and the config's `pass_env` (env-allowlist.ts). Nothing else reaches it.
   */
  readonly passEnv: readonly EnvRule[];
  /** Feed the prompt file on stdin. */
  readonly stdin: boolean;
  /** The structured stdout the CLI was asked for: usage and progress are read from it. */
  readonly output?: OutputFormat;
  /** Started in phaserunner's bubblewrap sandbox (dispatch/sandbox.ts). */
  readonly sandbox?: 'bubblewrap';
  /** Files in the run directory the agent itself writes (aider's histories): writable in the sandbox too. */
  readonly runDirFiles?: readonly string[];
}

export interface AgentAdapter {
  /** The name in config (and in the Agent trailer). */
  readonly name: string;
  /** Fails with agent-unavailable (or sandbox-unavailable) when the agent cannot be started on this machine. */
  preflight(): void;
  invocation(context: AgentContext): AgentInvocation;
}

/** The workstream of an attempt whose context names none: the planning phases'. */
export const DEFAULT_WORKSTREAM = 'planning';

/**
 * Environment every agent gets, whatever its adapter: where it is and what it must write, and
 * which step it is (PHASERUNNER_WORKSTREAM always, PHASERUNNER_TASK for a task only), so that one
 * agent command can tell the phases and the tasks apart.
 */
export function agentEnv(context: AgentContext): Record<string, string> {
  return {
    PHASERUNNER_WORKSTREAM: context.workstream ?? DEFAULT_WORKSTREAM,
    ...(context.task === undefined ? {} : { PHASERUNNER_TASK: context.task }),
    PHASERUNNER_PHASE: String(context.phase),
    PHASERUNNER_PHASE_NAME: context.phaseName,
    PHASERUNNER_ROLE: context.role,
    PHASERUNNER_RUN_ID: context.runId,
    PHASERUNNER_ATTEMPT: String(context.attempt),
    PHASERUNNER_PROMPT_FILE: context.promptFile,
    PHASERUNNER_WORKTREE: context.worktree,
    PHASERUNNER_OUTPUTS: JSON.stringify(context.outputs),
    PHASERUNNER_INTENT: context.intent,
  };
}
