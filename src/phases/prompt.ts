// Rendering an attempt's prompt. The phase definition supplies the task; the frame around it
// is the runner's and always present: role, intent, earlier outputs, the exact files to
// write, what the gate will check, and the rules. A phase override cannot drop the rules.
import type { InlineSchema } from '../gates/builtin-schemas.js';
import { describeCheck } from '../gates/describe.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { CheckResult } from '../gates/types.js';
import type { Check } from './schema.js';

export interface PromptFile {
  readonly path: string;
  readonly bytes: number;
  /** Included when small enough; otherwise the agent reads it from the checkout. */
  readonly content: string | undefined;
}

export interface PromptInput {
  readonly step: WorkstreamStep;
  readonly phaseCount: number;
  readonly position: number;
  readonly workstream: string;
  readonly base: string;
  readonly worktree: string;
  readonly intentPath: string;
  readonly intent: string | undefined;
  readonly earlier: readonly { readonly phase: number; readonly title: string; readonly files: readonly PromptFile[] }[];
  readonly gateLabel: string;
  readonly gateChecks: readonly Check[];
  /** The built-in JSON Schemas those checks use, shown in full: they are not in the checkout. */
  readonly schemas: readonly InlineSchema[];
  readonly previous: PreviousAttempt | undefined;
}

/** What the retry's agent is told of the attempt before it. */
export interface PreviousAttempt {
  readonly attempt: number;
  readonly reason: string;
  /** A reviewer rejected it (`phaserunner reject`): the reason is theirs. */
  readonly rejected: boolean;
  /** The checks of the gate that failed on its files, with their hints and output. */
  readonly gateFailures: readonly CheckResult[];
}

/** Command output shown per failed check: enough to act on, never the whole log. */
export const MAX_CHECK_OUTPUT = 2_000;

/** Fills {{placeholders}} in the phase's task text. Unknown ones were rejected at load time. */
export function fillTemplate(template: string, input: PromptInput): string {
  const values: Record<string, string> = {
    role: input.step.role,
    phase: String(input.step.phase),
    name: input.step.name,
    title: input.step.title,
    intent: input.intentPath,
    outputs: input.step.outputs.join(', '),
    base: input.base,
  };
  return template.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, name: string) => values[name] ?? whole);
}

export function renderPrompt(input: PromptInput): string {
  const { step } = input;
  const out: string[] = [];
  out.push(`# Phase ${step.phase}: ${step.title}`);
  out.push('');
  out.push(
    `You are the ${step.role} of this project. phaserunner, a deterministic phase runner, started you for ` +
      `phase ${step.phase} (${step.name}) of the ${input.workstream} workstream, step ${input.position} of ${input.phaseCount}. ` +
      `Your working directory is a dedicated checkout of the branch it prepared for you: ${input.worktree}. ` +
      `No human is watching: do not ask questions; decide, write the files, and exit.`,
  );
  out.push('', '## Your task', '', fillTemplate(step.prompt, input).trim());
  out.push('', `## The intent (${input.intentPath})`, '');
  out.push(input.intent === undefined ? `(${input.intentPath} is missing.)` : fenced(input.intent.trim(), 'markdown'));
  if (input.earlier.length > 0) {
    out.push('', '## Outputs of earlier phases', '');
    out.push('These are in your checkout. Build on them; do not rewrite them.');
    for (const phase of input.earlier) {
      out.push('', `### Phase ${phase.phase}: ${phase.title}`);
      if (phase.files.length === 0) out.push('', '(no files)');
      for (const file of phase.files) {
        out.push('', `- ${file.path} (${file.bytes} bytes)${file.content === undefined ? ': read it from the checkout.' : ''}`);
        if (file.content !== undefined) out.push('', fenced(file.content.trimEnd(), languageOf(file.path)));
      }
    }
  }
  if (step.reads.length > 0) {
    out.push('', '## Also read', '', ...step.reads.map((r) => `- ${r}`));
  }
  out.push('', '## Files you must write', '');
  out.push(...step.outputs.map((o) => `- ${o}`));
  out.push('', 'These paths (globs) are the only ones you may create, change or delete. Change at least one of them.');
  out.push('', `## What ${input.gateLabel} will check when you finish`, '');
  if (input.gateChecks.length === 0) out.push('- (no checks)');
  out.push(...input.gateChecks.map((c) => `- ${describeCheck(c)}${c.message === undefined ? '' : ` (${c.message})`}`));
  for (const schema of input.schemas) {
    out.push('', `${schema.path} must match ${schema.title}, this JSON Schema:`, '', fenced(schema.text.trimEnd(), 'json'));
  }
  out.push('', 'If any check fails, the attempt fails and your work is not merged.');
  out.push('', '## Rules', '');
  out.push(
    ...safetyRules('Files you must write'),
    '- Write finished content: no TODO or TBD markers, no placeholders.',
    '- When you are done, exit. Your exit code matters: exit 0 only when the files are written.',
  );
  if (input.previous !== undefined) out.push('', ...previousSection(input.previous, input.gateLabel));
  return out.join('\n') + '\n';
}

/**
 * The rules every agent phaserunner starts is given, phase or task: git state, its branch and
 * checkout, and its files (the section of the prompt that lists them is `filesHeading`).
 */
export function safetyRules(filesHeading: string): string[] {
  return [
    '- Do not run `git commit`, `git checkout`, `git switch`, `git reset`, `git stash`, `git merge` or any other command that changes git state. phaserunner commits and merges your work itself.',
    '- Stay on the branch you were started on, in this directory. Do not create, move or delete worktrees or branches.',
    `- Write only the files listed under "${filesHeading}". Changes to anything else fail the attempt.`,
    '- Do not write outside this checkout, and do not follow or create symbolic links that lead out of it.',
  ];
}

function previousSection(previous: PreviousAttempt, gateLabel: string): string[] {
  const out = ['## Why the previous attempt failed', ''];
  if (previous.rejected) {
    out.push(`Attempt ${previous.attempt} passed the gate, but was not approved. ${previous.reason}`);
    out.push('', 'Your checkout starts again from the base branch: write the files anew, and address the review.');
    return out;
  }
  if (previous.gateFailures.length === 0) {
    out.push(`Attempt ${previous.attempt} failed: ${previous.reason}`, '', 'Fix this in this attempt.');
    return out;
  }
  out.push(`Attempt ${previous.attempt} wrote its files, but ${gateLabel} failed on them. These checks failed:`, '');
  for (const check of previous.gateFailures) {
    out.push(`- ${check.subject}: ${check.message}${check.hint === undefined ? '' : ` (${check.hint})`}`);
    if (check.output !== undefined && check.output.trim() !== '') {
      out.push('', fenced(outputTail(check.output).trimEnd(), ''), '');
    }
  }
  out.push('', 'Your checkout starts again from the base branch: write the files so that every check passes.');
  return out;
}

/** The end of a check's output, at most MAX_CHECK_OUTPUT characters, marked when cut. */
export function outputTail(output: string): string {
  return output.length > MAX_CHECK_OUTPUT ? `...${output.slice(-MAX_CHECK_OUTPUT)}` : output;
}

/** A fence longer than any run of backticks inside the text, so content cannot close it. */
export function fenced(text: string, lang: string): string {
  const longest = Math.max(2, ...[...text.matchAll(/`+/g)].map((m) => m[0].length));
  const fence = '`'.repeat(longest + 1);
  return `${fence}${lang}\n${text}\n${fence}`;
}

export function languageOf(path: string): string {
  if (path.endsWith('.md')) return 'markdown';
  if (path.endsWith('.json')) return 'json';
  return '';
}
