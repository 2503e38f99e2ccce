// What the runner reports as it works. The core only emits these; the CLI renders them as
// human lines, a TTY progress line, or NDJSON (`run --wait --json`).
import type { CheckResult } from '../gates/types.js';
import type { RebuiltPhase } from './rebuild.js';

export type RunnerEvent =
  | {
      readonly type: 'gate';
      readonly phase: number;
      readonly name: string;
      readonly target: string;
      readonly moment: 'beforeDispatch' | 'beforeAdvance';
      readonly ok: boolean;
      readonly checks: readonly CheckResult[];
      readonly runId: string | null;
    }
  | {
      readonly type: 'dispatched';
      readonly phase: number;
      readonly name: string;
      readonly role: string;
      readonly attempt: number;
      readonly runId: string;
      readonly agent: string;
      readonly branch: string;
      readonly worktree: string;
      readonly runDir: string;
      readonly timeoutMinutes: number;
    }
  | {
      readonly type: 'progress';
      readonly phase: number;
      readonly runId: string;
      readonly elapsedMs: number;
      readonly line: string | undefined;
    }
  | {
      readonly type: 'agent-exited';
      readonly phase: number;
      readonly runId: string;
      readonly exitCode: number | null;
      readonly signal: string | null;
      readonly durationMs: number;
      readonly timedOut: boolean;
    }
  /** What changed outside the attempt's checkout while its agent ran, without failing it (src/fingerprint/classify.ts). */
  | { readonly type: 'outside-changes'; readonly phase: number; readonly runId: string; readonly changes: readonly string[] }
  | {
      readonly type: 'committed';
      readonly phase: number;
      readonly runId: string;
      readonly commit: string;
      readonly branch: string;
      readonly files: readonly string[];
    }
  | { readonly type: 'merged'; readonly phase: number; readonly runId: string; readonly merge: string; readonly base: string }
  | { readonly type: 'phase-done'; readonly phase: number; readonly name: string; readonly runId: string }
  | {
      readonly type: 'phase-failed';
      readonly phase: number;
      readonly name: string;
      readonly runId: string;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly reason: string;
      readonly runDir: string;
      readonly snapshot: string | null;
    }
  | { readonly type: 'blocked'; readonly phase: number; readonly name: string; readonly reason: string }
  | {
      readonly type: 'conflict';
      readonly phase: number;
      readonly name: string;
      readonly runId: string;
      readonly branch: string;
      readonly paths: readonly string[];
    }
  | {
      readonly type: 'awaiting-approval';
      readonly phase: number;
      readonly name: string;
      readonly runId: string;
      readonly commit: string;
      readonly branch: string;
      readonly reason: string;
    }
  | {
      readonly type: 'approved';
      readonly phase: number;
      readonly name: string;
      readonly runId: string;
      readonly by: string;
      readonly commit: string;
      readonly digest: string;
    }
  | {
      readonly type: 'rejected';
      readonly phase: number;
      readonly name: string;
      readonly runId: string;
      readonly by: string;
      readonly reason: string;
      /** The ref that keeps the rejected commit. */
      readonly kept: string;
      /** True when the phase has no attempts left and is now failed. */
      readonly exhausted: boolean;
    }
  | {
      /** Phases `phases` go back to pending, recorded on the base as `commit`. */
      readonly type: 'replanned';
      readonly phase: number;
      readonly phases: readonly number[];
      readonly by: string;
      readonly reason: string;
      readonly commit: string;
    }
  | { readonly type: 'acknowledged'; readonly phase: number; readonly by: string; readonly reason: string; readonly digest: string; readonly commit: string }
  | { readonly type: 'complete'; readonly workstream: string }
  | {
      /** The store had no runs (lost, or a fresh clone): what git history and the run directories restored. */
      readonly type: 'store-rebuilt';
      readonly file: string;
      readonly phases: readonly RebuiltPhase[];
    };

/** The execution workstream's events (src/execute/): each names its task by id. */
export type TaskEvent =
  | {
      readonly type: 'task-dispatched';
      readonly task: string;
      readonly title: string;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly runId: string;
      readonly agent: string;
      readonly branch: string;
      readonly worktree: string;
      readonly runDir: string;
      readonly timeoutMinutes: number;
      /** A resolution attempt: the previous one's work conflicted with the base. */
      readonly resolution: boolean;
    }
  /** What a task is doing now (`stage`), for the board: its agent's latest line, or the check running. */
  | { readonly type: 'task-progress'; readonly task: string; readonly runId: string; readonly stage: 'agent' | 'checks' | 'integration'; readonly elapsedMs: number; readonly line: string | undefined }
  | { readonly type: 'task-exited'; readonly task: string; readonly runId: string; readonly exitCode: number | null; readonly signal: string | null; readonly durationMs: number; readonly timedOut: boolean }
  | { readonly type: 'task-committed'; readonly task: string; readonly runId: string; readonly commit: string; readonly branch: string; readonly files: readonly string[] }
  /** Its checks passed in its checkout: in the merge queue (or awaiting approval). */
  | { readonly type: 'task-verified'; readonly task: string; readonly runId: string; readonly checks: number }
  | { readonly type: 'task-integrating'; readonly task: string; readonly runId: string; readonly candidate: string; readonly baseTip: string; readonly checks: number }
  | { readonly type: 'task-merged'; readonly task: string; readonly runId: string; readonly merge: string; readonly base: string }
  | {
      readonly type: 'task-failed';
      readonly task: string;
      readonly runId: string;
      readonly attempt: number;
      readonly maxAttempts: number;
      readonly reason: string;
      readonly runDir: string;
      readonly snapshot: string | null;
      /** No attempt follows without a human (its attempts are used up). */
      readonly forGood: boolean;
    }
  | { readonly type: 'task-blocked'; readonly task: string; readonly causes: readonly string[] }
  | { readonly type: 'task-unblocked'; readonly task: string }
  | { readonly type: 'task-conflict'; readonly task: string; readonly runId: string; readonly paths: readonly string[]; readonly kept: string }
  | { readonly type: 'task-awaiting-approval'; readonly task: string; readonly runId: string; readonly commit: string }
  /** The merge queue cannot publish now (the user's checkout of the base must be brought up first). */
  | { readonly type: 'task-waiting'; readonly task: string; readonly reason: string }
  /** The store had no record of execution: these tasks' merges were found on the base and recorded. */
  | { readonly type: 'task-restored'; readonly tasks: readonly string[] };

export type Emit = (event: RunnerEvent | TaskEvent) => void;
