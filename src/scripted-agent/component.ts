// A component task of a plan this agent wrote ("Build <component>": src/<name>.js and
// test/<name>.test.js on top of the data store). What every component's source shares: its
// paths, the comment that says which task and which goal of INTENT.md it serves.
import type { Intent } from './intent.js';
import { taskHeader } from './source.js';
import type { AgentTask } from './task-plan.js';
import { componentName } from './text.js';

export interface Component {
  readonly task: AgentTask;
  readonly intent: Intent;
  /** The module's name: src/<name>.js. */
  readonly name: string;
  readonly module: string;
  readonly test: string;
}

/** The goal of INTENT.md this component was named after (artifacts.ts names components by goal). */
export function goalOf(component: Component): string | undefined {
  const title = component.task.title.replace(/^Build /, '');
  return component.intent.goals.find((g) => componentName(g) === title || title.startsWith(componentName(g)));
}

export function moduleHeader(component: Component): string {
  const goal = goalOf(component);
  return taskHeader(component.task, ...(goal === undefined ? [] : [`Goal (INTENT.md): ${goal}`]));
}

export function testHeader(component: Component): string {
  return `${taskHeader(component.task)}
import test from 'node:test';
import assert from 'node:assert/strict';
import { createStore } from '../src/store.js';`;
}
