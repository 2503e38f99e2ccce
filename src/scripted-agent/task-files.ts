// Which files the agent writes to implement a task (behaviour `ok`). A plan this agent wrote
// itself (scripted-agent/artifacts.ts: a set-up task with package.json and src/store.js, then
// one task per component with src/<name>.js and test/<name>.test.js, depending on it) gets real
// modules: the data store, and each component built on it (for an intent about bookmarks, the
// demo's, the component its title names; otherwise a small registry of its records). Any other
// task gets the generic files of generic-task.ts. Same task, same intent: same bytes.
import type { Artifact } from './artifacts.js';
import { auditModule, auditTest, shareModule, shareTest } from './bookmark-team.js';
import { saveModule, saveTest, searchModule, searchTest } from './bookmark-modules.js';
import { transferModule, transferTest } from './bookmark-transfer.js';
import type { Component } from './component.js';
import { genericTaskFiles } from './generic-task.js';
import type { Intent } from './intent.js';
import { storeComponentModule, storeComponentTest } from './store-component.js';
import { STORE_MODULE, STORE_TEST, storeTaskFiles } from './store-module.js';
import { dependenciesOf, type AgentTask } from './task-plan.js';

type Source = (c: Component) => string;

/** The demo's components by what their task says, first match wins (import/export before the rest: "Import Export Bookmarks"). */
const BOOKMARK_COMPONENTS: readonly (readonly [RegExp, Source, Source])[] = [
  [/\b(import|export)/i, transferModule, transferTest],
  [/\b(search|find)/i, searchModule, searchTest],
  [/\bshar(e|ing)/i, shareModule, shareTest],
  [/\b(audit|trail|history)/i, auditModule, auditTest],
  [/\b(save|add|bookmark)/i, saveModule, saveTest],
];

function isStoreTask(task: AgentTask): boolean {
  return task.writes.includes(STORE_MODULE) && task.writes.includes(STORE_TEST);
}

/** The component a task of this agent's own plans builds, or undefined when the task is not one. */
function componentOf(task: AgentTask, tasks: readonly AgentTask[], intent: Intent): Component | undefined {
  const [module, test, ...rest] = task.writes;
  const name = /^src\/([a-z0-9][a-z0-9-]*)\.js$/.exec(module ?? '')?.[1];
  if (name === undefined || test !== `test/${name}.test.js` || rest.length > 0) return undefined;
  // Its module imports the store: only a task that the store task comes before can.
  const deps = dependenciesOf(tasks, task.id);
  if (!tasks.some((t) => isStoreTask(t) && deps.has(t.id))) return undefined;
  return { task, intent, name, module: `src/${name}.js`, test: `test/${name}.test.js` };
}

function aboutBookmarks(intent: Intent): boolean {
  return /bookmark/i.test([intent.title, intent.summary, ...intent.goals].join(' '));
}

export function taskFiles(task: AgentTask, tasks: readonly AgentTask[], intent: Intent): Artifact[] {
  if (isStoreTask(task)) return storeTaskFiles(task, intent);
  const component = componentOf(task, tasks, intent);
  if (component === undefined) return genericTaskFiles(task, intent);
  const text = `${task.title} ${task.description}`;
  const [, module, test] = (aboutBookmarks(intent) ? BOOKMARK_COMPONENTS.find(([re]) => re.test(text)) : undefined) ?? [undefined, storeComponentModule, storeComponentTest];
  return [
    { path: component.module, content: module(component) },
    { path: component.test, content: test(component) },
  ];
}
