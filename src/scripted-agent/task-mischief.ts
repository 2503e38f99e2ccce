// Task-mode misbehaviours that change what the agent writes, each for a test of the execution
// workstream. All are deterministic for the same task and the same checkout.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Artifact } from './artifacts.js';
import { isModuleFile, isTestFile, literal, rootFrom } from './source.js';
import type { AgentTask } from './task-plan.js';
import { matcherFor } from '../util/glob.js';

/**
 * `break-tests`: the task's code is broken, so its own checks fail: each module throws when it
 * is imported, and each test file gets a test that fails. The files are still inside `writes`.
 */
export function breakTests(task: AgentTask, files: readonly Artifact[]): Artifact[] {
  const why = `${task.id} is broken on purpose (scripted agent behavior "break-tests")`;
  return files.map((f) => {
    if (isTestFile(f.path)) return { path: f.path, content: `${f.content}\ntest(${literal(why)}, () => {\n  assert.fail(${literal(why)});\n});\n` };
    if (isModuleFile(f.path)) return { path: f.path, content: `${f.content}\nthrow new Error(${literal(why)});\n` };
    return f;
  });
}

/**
 * `conflict`: the task also writes one fixed file whose content depends on the task, so two
 * tasks that both do change the same lines. The plan must put this path in each task's `writes`
 * (or the attempt fails for writing outside them). Note: the scheduler never runs two tasks
 * whose `writes` overlap at the same time, so the second starts from a base with the first's
 * file and merges cleanly; a textual conflict needs the base to change the file while the task
 * is in flight (e.g. a commit on the base while the task waits in `wait-release`, or while its
 * check waits on a file of the test's).
 *
 * Where the checkout has the file already (the runner's resolution attempt starts from the base,
 * which has its own version of it now), the agent resolves as its prompt asks: it keeps every
 * line the file has, conflict markers resolved, and adds its own lines after them (once).
 */
export const CONFLICT_FILE = 'shared/CONFLICT.txt';

export function conflictFile(task: AgentTask, cwd: string): Artifact {
  const own = `Written by ${task.id} (${task.title}).\nscripted agent behavior "conflict"\n`;
  const file = join(cwd, CONFLICT_FILE);
  const found = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const there = /^<{7}( |$)/m.test(found) ? keepBothSides(found) : found;
  if (there.trim() === '') return { path: CONFLICT_FILE, content: own };
  if (there.includes(own)) return { path: CONFLICT_FILE, content: there };
  return { path: CONFLICT_FILE, content: `${there.trimEnd()}\n${own}` };
}

/**
 * `integration-break`: two tasks, each green alone, that break the integration checks together,
 * with no file in common (so they can run in parallel and merge without a textual conflict).
 * Each declares its module the project's entry point (`export const ENTRY_POINT = "<id>"`),
 * and its test asserts that exactly one module of the project declares one. In its own
 * checkout each task is the only one: green. Merged together there are two: both tests fail, so
 * the second's merge candidate is red (its own check, and `node --test` as an integration check).
 * An attempt whose checkout already has another module's entry point (the first task's, merged:
 * a retry from the new base) does not declare one, so the retry lands green.
 * Needs a module (a non-test .js path) and a test file among the task's files.
 */
export const ENTRY_POINT = /^export const ENTRY_POINT = /m;

/** The project's modules (not tests, not node_modules or .git) under `root`, repository-relative. */
function projectModules(root: string, dir = ''): string[] {
  const found: string[] = [];
  for (const entry of readdirSync(join(root, dir), { withFileTypes: true })) {
    const path = dir === '' ? entry.name : `${dir}/${entry.name}`;
    if (entry.isDirectory() && entry.name !== '.git' && entry.name !== 'node_modules') found.push(...projectModules(root, path));
    else if (entry.isFile() && isModuleFile(path)) found.push(path);
  }
  return found;
}

/** Modules of the checkout, other than the task's own, that declare an entry point. */
export function otherEntryPoints(cwd: string, own: readonly string[]): string[] {
  return projectModules(cwd)
    .filter((p) => !own.includes(p))
    .filter((p) => ENTRY_POINT.test(readFileSync(join(cwd, p), 'utf8')));
}

function entryPointTest(testPath: string): string {
  // The test scans the tree it is in, from its own location, as the integration check runs it.
  // The regular expression is built from pieces so that this test file never matches itself.
  return String.raw`
test('exactly one module of the project declares the entry point', async () => {
  const { readdirSync, readFileSync } = await import('node:fs');
  const { fileURLToPath } = await import('node:url');
  const root = fileURLToPath(new URL(` + literal(rootFrom(testPath)) + String.raw`, import.meta.url));
  const marker = new RegExp('^export const ' + 'ENTRY_' + 'POINT = ', 'm');
  const declaring = [];
  const walk = (dir) => {
    for (const e of readdirSync(root + dir, { withFileTypes: true })) {
      const path = dir + e.name;
      if (e.isDirectory() && e.name !== '.git' && e.name !== 'node_modules') walk(path + '/');
      else if (e.isFile() && /\.m?js$/.test(e.name) && !/\.test\.m?js$/.test(e.name) && !/^tests?\//.test(path)) {
        if (marker.test(readFileSync(root + path, 'utf8'))) declaring.push(path);
      }
    }
  };
  walk('');
  assert.equal(declaring.length, 1, 'modules declaring the entry point: ' + declaring.join(', '));
});
`;
}

export function integrationBreak(task: AgentTask, files: readonly Artifact[], cwd: string, say: (line: string) => void): Artifact[] {
  const module = files.find((f) => isModuleFile(f.path));
  const test = files.find((f) => isTestFile(f.path));
  if (module === undefined || test === undefined) {
    say('integration-break: the task has no module and test to break with; implementing it plainly');
    return [...files];
  }
  const others = otherEntryPoints(cwd, files.map((f) => f.path));
  const declare = others.length === 0;
  say(declare ? `integration-break: ${module.path} declares the entry point` : `integration-break: ${others.join(', ')} already declares the entry point; ${module.path} does not`);
  return files.map((f) => {
    if (f === module && declare) return { path: f.path, content: `${f.content}\n/** This module is the project's entry point (scripted agent behavior "integration-break"). */\nexport const ENTRY_POINT = ${literal(task.id)};\n` };
    if (f === test) return { path: f.path, content: `${f.content}${entryPointTest(f.path)}` };
    return f;
  });
}

/** `outside`: a path outside the task's `writes` (the first of a few that is), for a file that must fail the attempt. */
export function outsidePath(task: AgentTask): string {
  const inside = matcherFor(task.writes);
  const candidates = [`outside/${task.id}.txt`, `OUTSIDE-${task.id}.txt`, `.outside/${task.id}`];
  return candidates.find((p) => !inside(p)) ?? candidates[0] ?? 'outside.txt';
}

/**
 * A resolution attempt may start from a checkout whose files inside `writes` hold conflict
 * markers. Files the task writes anyway are replaced; any other such file is resolved by keeping
 * both sides, in order, without the markers.
 */
export function resolvedMarkers(cwd: string, task: AgentTask, written: readonly string[]): Artifact[] {
  const candidates = [...task.writes.filter((w) => !/[*?[{]/.test(w)), CONFLICT_FILE].filter((p) => !written.includes(p) && matcherFor(task.writes)(p));
  const resolved: Artifact[] = [];
  for (const path of new Set(candidates)) {
    const file = join(cwd, path);
    if (!existsSync(file)) continue;
    const text = readFileSync(file, 'utf8');
    if (!/^<{7}( |$)/m.test(text)) continue;
    resolved.push({ path, content: keepBothSides(text) });
  }
  return resolved;
}

/** Conflict markers removed, ours then theirs kept; a diff3 base section (after |||||||) dropped. */
function keepBothSides(text: string): string {
  const kept: string[] = [];
  let inBase = false;
  for (const line of text.split('\n')) {
    if (/^<{7}( |$)/.test(line) || /^>{7}( |$)/.test(line)) inBase = false;
    else if (/^\|{7}( |$)/.test(line)) inBase = true;
    else if (/^={7}$/.test(line)) inBase = false;
    else if (!inBase) kept.push(line);
  }
  return kept.join('\n');
}
