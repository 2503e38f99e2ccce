// Helpers for the JavaScript the agent writes in task mode: comments made from a task's text,
// identifiers and string literals made from names, relative import paths. Deterministic.
import { posix } from 'node:path';
import type { AgentTask } from './task-plan.js';

/** A JavaScript string literal (JSON's is one), safe for any text. */
export function literal(text: string): string {
  return JSON.stringify(text);
}

/** Text as `//` comment lines of at most about `width` characters (whitespace, newlines included, folds). */
export function comment(text: string, width = 96): string[] {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(/\s+/).filter((w) => w !== '')) {
    if (line !== '' && line.length + word.length + 1 > width) {
      lines.push(`// ${line}`);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  if (line !== '') lines.push(`// ${line}`);
  return lines;
}

/** The comment every file of a task opens with: which task it is, and what it asked for. */
export function taskHeader(task: AgentTask, ...more: string[]): string {
  return [...comment(`${task.id}: ${task.title} (planning/tasks.json).`), ...comment(task.description), ...more.flatMap((m) => comment(m))].join('\n');
}

function words(text: string): string[] {
  return text.split(/[^A-Za-z0-9]+/).filter((w) => w !== '');
}

/** "Parse the input file" -> "parseTheInputFile", "2nd pass" -> "task2ndPass"; `fallback` for a text without a word. */
export function camel(text: string, fallback = 'task'): string {
  const parts = words(text).map((w, i) => (i === 0 ? w.charAt(0).toLowerCase() + w.slice(1) : w.charAt(0).toUpperCase() + w.slice(1)));
  const name = parts.join('');
  if (name === '') return fallback;
  // An identifier cannot start with a digit.
  return /^[0-9]/.test(name) ? `task${name}` : name;
}

/** "share-tag-team" -> "ShareTagTeam". */
export function pascal(text: string): string {
  const name = camel(text, 'component');
  return name.charAt(0).toUpperCase() + name.slice(1);
}

/** The specifier that imports repository path `to` from repository path `from`: "../src/a.js". */
export function importPath(from: string, to: string): string {
  const rel = posix.relative(posix.dirname(from), to);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The specifier of the repository root from a file: "../" for "test/a.test.js". */
export function rootFrom(file: string): string {
  const depth = file.split('/').length - 1;
  return depth === 0 ? './' : '../'.repeat(depth);
}

/** The first sentence of a text (the INTENT's summary opens a module with it). */
export function firstSentence(text: string): string {
  const match = /^.*?[.!?](?=\s|$)/s.exec(text.trim());
  return (match?.[0] ?? text).trim();
}

export function isTestFile(path: string): boolean {
  return /\.test\.[cm]?js$/.test(path) || /^(test|tests)\/.*\.[cm]?js$/.test(path);
}

export function isModuleFile(path: string): boolean {
  return /\.m?js$/.test(path) && !isTestFile(path);
}
