// A task of a plan this agent did not write (another intent, a test's plan): for each concrete
// path of its `writes`, a file that does what little the task's name says. A `.js` module
// exports a function named after the task; a test file (test/*.test.js, *.test.js) tests those
// modules with node:test, so a check `node --test <that file>` passes; package.json is a valid
// one; anything else is a short text file. A writes glob gets one file when the task has no
// concrete path at all, so that `ok` always writes something. shared/CONFLICT.txt is left to the
// `conflict` behaviour (task-mischief.ts).
import type { Artifact } from './artifacts.js';
import type { Intent } from './intent.js';
import { camel, importPath, isModuleFile, isTestFile, literal, taskHeader } from './source.js';
import type { AgentTask } from './task-plan.js';
import { isGlob, matcherFor } from '../util/glob.js';
import { slug } from './text.js';
import { CONFLICT_FILE } from './task-mischief.js';

/** The function a task's module exports: "Parse the input file" -> parseTheInputFile. */
export function functionName(task: AgentTask): string {
  return camel(task.title, camel(task.id));
}

function moduleSource(task: AgentTask, intent: Intent, path: string): string {
  const exported = path.endsWith('.cjs') ? 'module.exports = { TASK, ' + functionName(task) + ' };\n' : '';
  const prefix = path.endsWith('.cjs') ? '' : 'export ';
  return `${taskHeader(task, `Written by the scripted agent for ${intent.title}: a stand-in for the task's real code.`)}

${prefix}const TASK = { id: ${literal(task.id)}, title: ${literal(task.title)} };

/** What ${task.id} delivers: its id and title, with the input it was given, so a caller can tell it ran. */
${prefix}function ${functionName(task)}(input) {
  return { task: TASK.id, title: TASK.title, input };
}
${exported}`;
}

function testSource(task: AgentTask, path: string, modules: readonly string[]): string {
  const name = functionName(task);
  const imports = modules.map((m, i) => `import * as m${i} from ${literal(importPath(path, m))};`);
  const tests = modules.flatMap((m, i) => [
    `test(${literal(`${m} delivers ${task.id}`)}, () => {`,
    `  assert.equal(m${i}.${name}().task, ${literal(task.id)});`,
    `  assert.equal(m${i}.TASK.title, ${literal(task.title)});`,
    '});',
    '',
    `test(${literal(`${m} passes its input through`)}, () => {`,
    `  assert.deepEqual(m${i}.${name}({ n: [1, 2] }).input, { n: [1, 2] });`,
    '});',
    '',
  ]);
  // A task without a module still gets a test file that runs tests: a check that ran none may not count as green.
  const own = modules.length > 0 ? [] : [
    `const TASK = { id: ${literal(task.id)}, title: ${literal(task.title)} };`,
    '',
    `test(${literal(`${task.id} has an id`)}, () => {`,
    `  assert.equal(TASK.id, ${literal(task.id)});`,
    '});',
    '',
    `test(${literal(`${task.id} has a title`)}, () => {`,
    '  assert.ok(TASK.title.length > 0);',
    '});',
    '',
  ];
  return [taskHeader(task), "import test from 'node:test';", "import assert from 'node:assert/strict';", ...imports, '', ...own, ...tests].join('\n');
}

function packageJson(task: AgentTask): string {
  return JSON.stringify({ name: slug(task.id), version: '0.1.0', private: true, type: 'module', scripts: { test: 'node --test' } }, null, 2) + '\n';
}

/** A path the glob matches, made from the task's id: the file a task with only globs writes. */
function concreteFrom(glob: string, task: AgentTask): string | undefined {
  const path = glob.replace(/\*\*\//g, '').replace(/\*\*/g, slug(task.id)).replace(/\*/g, slug(task.id)).replace(/\?/g, 'x').replace(/\{([^,}]*)[^}]*\}/g, '$1').replace(/\[[^\]]*\]/g, 'x');
  return matcherFor([glob])(path) ? path : undefined;
}

export function genericTaskFiles(task: AgentTask, intent: Intent): Artifact[] {
  // The conflict file is written by behaviour `conflict` alone (and resolved by a later `ok`), not as the task's own work.
  let paths = task.writes.filter((w) => !isGlob(w) && w !== CONFLICT_FILE);
  if (paths.length === 0) paths = task.writes.map((w) => concreteFrom(w, task)).filter((p): p is string => p !== undefined).slice(0, 1);
  const modules = paths.filter((p) => isModuleFile(p) || p.endsWith('.cjs'));
  return paths.map((path) => {
    if (isTestFile(path)) return { path, content: testSource(task, path, modules) };
    if (modules.includes(path)) return { path, content: moduleSource(task, intent, path) };
    if (path === 'package.json' || path.endsWith('/package.json')) return { path, content: packageJson(task) };
    if (path.endsWith('.json')) return { path, content: JSON.stringify({ task: task.id, title: task.title }, null, 2) + '\n' };
    return { path, content: `${task.id}: ${task.title}\n\nWritten by the scripted agent for ${intent.title}.\n` };
  });
}
