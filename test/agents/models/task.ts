// What the scripted model writes for an execution task (issue 17), whatever vendor API it is
// spoken through: it reads phaserunner's task prompt (src/execute/task-prompt.ts: the task id,
// the checkout, the files it may change, what its dependencies' merges changed) and implements
// the task as a small ES module and a node:test test of it. Each module exports `value`: one
// more than the sum of the values of the modules its dependencies added, which it imports, so a
// dependent task's test passes only in a checkout that has its dependencies' merged work.
import { posix } from 'node:path';

export interface TaskPrompt {
  readonly kind: 'task';
  /** The task's id (`T-001`). */
  readonly key: string;
  readonly worktree: string;
  /** The paths under "Files you may change": the plan's `writes` (plain paths, no globs, here). */
  readonly writes: readonly string[];
  /** The paths the merges of the tasks it depends on changed. */
  readonly dependencies: readonly string[];
  /** The task's checks, as the prompt shows them: shell lines. */
  readonly checks: readonly string[];
}

/** The task prompt phaserunner rendered, found in a request's text. */
export function parseTaskPrompt(text: string): TaskPrompt | undefined {
  const id = /^# Task (\S+): /m.exec(text)?.[1];
  const worktree = /dedicated checkout of the branch it prepared for you, \S+, started from \S+ at [0-9a-f]+: (\S+)\. No human/.exec(text)?.[1];
  const files = /## Files you may change\n\n((?:- .*\n)+)/.exec(text)?.[1];
  if (id === undefined || worktree === undefined || files === undefined) return undefined;
  // The section lists each dependency's changed paths indented under it, up to the next heading.
  const section = /\n## What the tasks it depends on changed\n([\s\S]*?)(?=\n## |$)/.exec(text)?.[1] ?? '';
  const dependencies = [...section.matchAll(/^ {2}- (\S+)$/gm)].map((m) => m[1] ?? '');
  // The task's own checks come first in their section, before the merge and the integration checks.
  const checked = /\n## What will be checked when you finish\n\n(?:[^\n]*\n\n)?((?:- `[^`\n]+` within \d+s.*\n)*)/.exec(text)?.[1] ?? '';
  const checks = [...checked.matchAll(/^- `([^`\n]+)` within/gm)].map((m) => m[1] ?? '');
  return { kind: 'task', key: id, worktree, writes: files.trim().split('\n').map((l) => l.slice(2)), dependencies, checks };
}

const isModule = (path: string): boolean => /\.m?js$/.test(path) && !path.startsWith('test/');

/** An import specifier for `to` from the file `from` (both relative to the checkout). */
function specifier(from: string, to: string): string {
  const rel = posix.relative(posix.dirname(from), to);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/**
 * The task's files: its module (the first of its writes outside test/) and, for each of its
 * writes under test/, a test of that module. A plan for this model gives each task one of each.
 */
export function taskFiles(prompt: TaskPrompt): { path: string; content: string }[] {
  const module = prompt.writes.find(isModule);
  if (module === undefined) throw new Error(`scripted model: task ${prompt.key} has no module among its writes (${prompt.writes.join(', ')})`);
  const deps = prompt.dependencies.filter(isModule);
  const imports = (from: string): string[] => deps.map((d, i) => `import { value as dep${i} } from '${specifier(from, d)}';`);
  const sum = ['1', ...deps.map((_, i) => `dep${i}`)].join(' + ');
  const files = [{ path: module, content: [`// ${prompt.key}: one more than what it builds on.`, ...imports(module), `export const value = ${sum};`, ''].join('\n') }];
  for (const test of prompt.writes.filter((w) => w.startsWith('test/'))) {
    const content = [
      "import { test } from 'node:test';",
      "import assert from 'node:assert/strict';",
      `import { value } from '${specifier(test, module)}';`,
      ...imports(test),
      '',
      `test('${prompt.key}: value is one more than what it builds on', () => {`,
      `  assert.equal(value, ${sum});`,
      '});',
      '',
    ].join('\n');
    files.push({ path: test, content });
  }
  return files;
}
