// The scripted agent's artifacts, keyed by output path so it serves the built-in phases and
// any repository override alike. Deterministic: the same intent gives the same bytes.
import { componentName, pad, slug } from './text.js';
import type { Intent } from './intent.js';

export interface Artifact {
  readonly path: string;
  readonly content: string;
}

interface Component {
  readonly name: string;
  readonly goal: string;
}

function components(intent: Intent): Component[] {
  const seen = new Set<string>();
  const list: Component[] = [];
  for (const goal of intent.goals) {
    let name = componentName(goal);
    while (seen.has(name)) name += ' Service';
    seen.add(name);
    list.push({ name, goal });
  }
  return list;
}

export function architecture(intent: Intent): string {
  const comps = components(intent);
  const out = [`# ${intent.title}: architecture baseline`, '', '## Context', '', intent.summary, '', '## Components', ''];
  comps.forEach((c, i) => {
    const next = comps[i + 1] ?? comps[0];
    out.push(`### ${c.name}`, '', `Responsibility: ${c.goal}`, '', `Inputs: requests from the web and command-line clients. Outputs: records in the data store and responses to the caller.`, '', `Talks to: ${next && next !== c ? next.name : 'the data store'} and the data store.`, '');
  });
  out.push('## Data', '', `All records of ${intent.title} live in one data store owned by the server process; every change is written with the identity of the person who made it.`, '');
  out.push('## Constraints', '');
  if (intent.constraints.length === 0) out.push('- None stated in the intent; the design keeps to one deployable process.');
  for (const c of intent.constraints) out.push(`- ${c} Consequence: the design must hold to this in every component.`);
  out.push('', '## Risks', '', `1. Scope: ${intent.goals.length} goals compete for the first release; the plan must order them.`, '2. Data growth: a single store must stay fast as records accumulate.', '');
  return out.join('\n');
}

export function adrs(intent: Intent, dir: string): Artifact[] {
  const first = intent.constraints[0] ?? 'Keep the system in one deployable process.';
  const records = [
    { title: 'Record architecture decisions', context: 'Decisions must survive the people who made them.', decision: 'Record each significant decision as a numbered ADR in planning/adr/.' },
    { title: first.replace(/\.$/, ''), context: `The intent of ${intent.title} states: ${first}`, decision: `Adopt this as a design constraint: ${first}` },
  ];
  return records.map((r, i) => ({
    path: `${dir}/${pad(i + 1, 4)}-${slug(r.title)}.md`,
    content: [`# ${pad(i + 1, 4)}. ${r.title}`, '', '## Status', '', 'Accepted', '', '## Context', '', r.context, '', '## Decision', '', r.decision, '', '## Consequences', '', 'Later phases plan within this decision; changing it needs a new ADR.', ''].join('\n'),
  }));
}

/** Component names as phase 1 wrote them (### headings under ## Components). */
export function componentsFromArchitecture(text: string | undefined, intent: Intent): string[] {
  if (text !== undefined) {
    const section = text.split(/^## /m).find((s) => s.startsWith('Components'));
    const names = [...(section ?? '').matchAll(/^### (.+)$/gm)].map((m) => (m[1] ?? '').trim());
    if (names.length > 0) return names;
  }
  return components(intent).map((c) => c.name);
}

export function gapAnalysis(intent: Intent, comps: readonly string[]): string {
  const out = [`# ${intent.title}: gap analysis`, '', '## Current state', '', 'The repository holds the intent and the architecture baseline; none of the components exists in code yet.', '', '## Target state', ''];
  // The intent's goals, so that a changed intent changes the analysis (and a replan has work to do).
  for (const g of intent.goals) out.push(`- Goal: ${g}`);
  for (const c of comps) out.push(`- ${c}: implemented, tested and deployed as described in planning/architecture.md.`);
  out.push('', '## Gaps', '');
  comps.forEach((c, i) => {
    out.push(`### G${i + 1}: ${c} is not built`, '', `Impact: ${i < 2 ? 'high' : i < 4 ? 'medium' : 'low'}. Components: ${c}.`, `Closing it takes: the component's interfaces, its storage, and its tests.`, '');
  });
  out.push('## Priorities', '', comps.map((c, i) => `${i + 1}. G${i + 1} (${c})`).join('\n'), '');
  return out.join('\n');
}

export function gapCount(text: string | undefined, fallback: number): number {
  const n = [...(text ?? '').matchAll(/^### G(\d+)/gm)].length;
  return n > 0 ? n : fallback;
}

/** Milestones close the gaps two at a time. */
export function milestonePlan(gaps: number): { id: string; gaps: number[] }[] {
  const plan: { id: string; gaps: number[] }[] = [];
  for (let g = 1; g <= gaps; g += 2) plan.push({ id: `M${plan.length + 1}`, gaps: g + 1 <= gaps ? [g, g + 1] : [g] });
  return plan;
}

export function milestones(intent: Intent, gaps: number): string {
  const out = [`# ${intent.title}: milestones`, '', 'Milestones in delivery order; each closes the gaps it names.', ''];
  for (const m of milestonePlan(gaps)) {
    out.push(`## ${m.id}: ${m.gaps.map((g) => `G${g}`).join(' and ')} closed`, '', `Goal: close ${m.gaps.map((g) => `G${g}`).join(', ')}.`, `Exit criteria: the components of these gaps pass their tests and run on the staging server.`, '');
  }
  return out.join('\n');
}

export function epics(intent: Intent, gaps: number): string {
  const out = [`# ${intent.title}: epics`, ''];
  for (const m of milestonePlan(gaps)) {
    for (const g of m.gaps) {
      out.push(`## E${g}: Close G${g}`, '', `Milestone: ${m.id}. Scope: everything gap G${g} needs.`, `Depends on: ${g > 1 ? `E${g - 1}` : 'nothing'}. Risks: estimates may grow once the interfaces are fixed.`, '');
    }
  }
  return out.join('\n');
}

export interface TaskCheck {
  readonly argv: string[];
  readonly timeout_seconds: number;
}

export interface Task {
  readonly id: string;
  readonly title: string;
  readonly description: string;
  readonly milestone: string;
  readonly epic: string;
  readonly depends_on: string[];
  readonly writes: string[];
  readonly checks: TaskCheck[];
  readonly acceptance: string[];
}

/** A module of the project: the file a task writes and the test that checks it. */
function moduleTask(name: string): Pick<Task, 'writes' | 'checks'> {
  return { writes: [`src/${name}.js`, `test/${name}.test.js`], checks: [{ argv: ['node', '--test', `test/${name}.test.js`], timeout_seconds: 120 }] };
}

/**
 * An executable plan (version 2): first the project and its data store, which every component
 * uses (its module src/store.js, and package.json); then one task per gap, each owning one
 * module of its component (src/<component>.js with test/<component>.test.js). The component
 * tasks depend only on the store, and their files do not overlap: they can run in parallel.
 */
export function taskList(gaps: number, comps: readonly string[] = [], project = 'the project'): Task[] {
  const plan = milestonePlan(gaps);
  const first = plan[0]?.id ?? 'M1';
  const store = moduleTask('store');
  const tasks: Task[] = [
    {
      id: 'T-001',
      title: `Set up ${project} and its data store`,
      description: `Create package.json and src/store.js: the one data store every component of ${project} keeps its records in (add, get, list, update), with every change recorded with who made it.`,
      milestone: first,
      epic: 'E1',
      depends_on: [],
      writes: ['package.json', ...store.writes],
      checks: store.checks,
      acceptance: ['node --test test/store.test.js passes.', 'A record added to the store can be read back unchanged.'],
    },
  ];
  const used = new Set(['store']);
  for (const m of plan) {
    for (const g of m.gaps) {
      const component = comps[g - 1] ?? `Component ${g}`;
      let name = slug(component);
      while (used.has(name)) name += '-2';
      used.add(name);
      tasks.push({
        id: `T-${pad(tasks.length + 1)}`,
        title: `Build ${component}`,
        description: `Implement ${component} (gap G${g}) in src/${name}.js on top of the data store, with its tests in test/${name}.test.js.`,
        milestone: m.id,
        epic: `E${g}`,
        depends_on: ['T-001'],
        ...moduleTask(name),
        acceptance: [`node --test test/${name}.test.js passes.`, `${component} works as planning/architecture.md describes.`],
      });
    }
  }
  return tasks;
}

export function taskNote(task: Task): string {
  return [
    `# ${task.id}: ${task.title}`,
    '',
    task.description,
    '',
    `Epic: ${task.epic}. Milestone: ${task.milestone}.`,
    `Depends on: ${task.depends_on.length > 0 ? task.depends_on.join(', ') : 'nothing'}.`,
    `Writes: ${task.writes.join(', ')}.`,
    '',
    '## Acceptance',
    '',
    ...task.acceptance.map((a) => `- ${a}`),
    ...task.checks.map((c) => `- \`${c.argv.join(' ')}\` exits 0.`),
    '',
  ].join('\n');
}

/** A plan's text as version 1, as this agent wrote it before plans were executable (behavior "plan-v1"): no writes, no checks. */
export function planV1(text: string): string {
  const plan = JSON.parse(text) as { tasks: Task[] };
  const tasks = plan.tasks.map(({ id, title, description, milestone, epic, depends_on, acceptance }) => ({ id, title, description, milestone, epic, depends_on, acceptance }));
  return JSON.stringify({ version: 1, tasks }, null, 2) + '\n';
}

export function genericDocument(path: string, intent: Intent): string {
  return [`# ${path}`, '', `Written by the scripted agent for ${intent.title}.`, '', intent.summary, ''].join('\n');
}
