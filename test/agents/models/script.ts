// What the scripted model does in a phase or an execution task, whatever vendor API it is
// spoken through: it reads phaserunner's prompt (the phase, the checkout, the files to write),
// plans the same files the built-in scripted agent writes (for a task: a small module and its
// test, models/task.ts), and acts them out one step per request. Per phase or task it can also
// misbehave, as a model might:
// - `stray`: also tries to write outside the checkout and to commit with git;
// - `extra`: also writes a file inside the checkout but outside the phase's outputs;
// - `api-error`: answers with an API error (HTTP 400), which the CLIs do not retry;
// - `slow`: answers each request after a pause, so progress can be watched;
// - `hang`: starts its answer and never finishes it.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseIntent } from '../../../src/scripted-agent/intent.js';
import { planArtifacts } from '../../../src/scripted-agent/plan.js';
import { parseTaskPrompt, taskFiles, type TaskPrompt } from './task.js';

export type ModelBehavior = 'ok' | 'stray' | 'extra' | 'api-error' | 'slow' | 'hang';

/** What a prompt is for: a planning phase's number or an execution task's id. Behaviors are keyed by it. */
export type PromptKey = number | string;

export type ModelBehaviors = Readonly<Record<PromptKey, ModelBehavior>>;

/** How long `slow` waits before each answer: several of the runner's 250 ms progress polls. */
export const SLOW_MS = 1200;

/** One step of the model: a file write (path absolute, or relative to the checkout), a shell command, text, or silence. */
export type Step =
  | { readonly write: { readonly path: string; readonly content: string } }
  | { readonly shell: string }
  | { readonly text: string }
  | { readonly hang: true };

export interface PhasePrompt {
  readonly kind: 'phase';
  /** The phase's number. */
  readonly key: number;
  readonly worktree: string;
  readonly outputs: string[];
}

export type Prompt = PhasePrompt | TaskPrompt;

/** The phase or task prompt phaserunner rendered (src/phases/prompt.ts, src/execute/task-prompt.ts), found in a request's text. */
export function parsePrompt(text: string): Prompt | undefined {
  const task = parseTaskPrompt(text);
  if (task !== undefined) return task;
  const phase = /^# Phase (\d+): /m.exec(text)?.[1];
  const worktree = /dedicated checkout of the branch it prepared for you: (\S+)\. /.exec(text)?.[1];
  const files = /## Files you must write\n\n((?:- .*\n)+)/.exec(text)?.[1];
  if (phase === undefined || worktree === undefined || files === undefined) return undefined;
  return { kind: 'phase', key: Number(phase), worktree, outputs: files.trim().split('\n').map((l) => l.slice(2)) };
}

/** The files a well-behaved model writes for the prompt. */
function filesFor(prompt: Prompt): { path: string; content: string }[] {
  if (prompt.kind === 'task') return taskFiles(prompt);
  const intentFile = join(prompt.worktree, 'INTENT.md');
  const intent = parseIntent(existsSync(intentFile) ? readFileSync(intentFile, 'utf8') : '');
  return planArtifacts(prompt.worktree, intent, prompt.outputs);
}

/** The shell tools of the CLIs, by name: Claude Code's, Gemini CLI's, Codex's (two spellings). */
export const SHELL_TOOLS: readonly string[] = ['Bash', 'run_shell_command', 'exec_command', 'shell'];

/**
 * Every step of the phase or task; the model's n-th answer is step n (the last one repeats).
 * `tools`: the tools the CLI offers; with a shell among them, a task's model runs the task's
 * checks itself after writing its files, as the task prompt asks.
 */
export function stepsFor(prompt: Prompt, behavior: ModelBehavior, outsidePath: string, tools: readonly string[]): Step[] {
  if (behavior === 'hang') return [{ hang: true }];
  const steps: Step[] = filesFor(prompt).map((a) => ({ write: { path: a.path, content: a.content } }));
  if (prompt.kind === 'task' && tools.some((t) => SHELL_TOOLS.includes(t))) steps.push(...prompt.checks.map((c) => ({ shell: c })));
  if (behavior === 'extra') steps.push({ write: { path: 'src/extra.ts', content: 'export {};\n' } });
  if (behavior === 'stray') {
    steps.push({ write: { path: outsidePath, content: 'written outside the checkout\n' } });
    steps.push({ shell: 'git add -A && git commit -m "agent commit"' });
  }
  steps.push({ text: prompt.kind === 'phase' ? `Phase ${prompt.key} is written.` : `Task ${prompt.key} is done.` });
  return steps;
}

/** The n-th step, or the closing text past the end. */
export function stepAt(steps: readonly Step[], turn: number): Step {
  return steps[Math.min(turn, steps.length - 1)] ?? { text: 'Done.' };
}
