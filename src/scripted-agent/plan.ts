// Which files the scripted agent writes for a phase, from the phase's declared outputs.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import {
  adrs,
  architecture,
  componentsFromArchitecture,
  epics,
  gapAnalysis,
  gapCount,
  genericDocument,
  milestones,
  taskList,
  taskNote,
  type Artifact,
} from './artifacts.js';
import type { Intent } from './intent.js';

function read(cwd: string, path: string): string | undefined {
  const file = join(cwd, path);
  return existsSync(file) ? readFileSync(file, 'utf8') : undefined;
}

export function planArtifacts(cwd: string, intent: Intent, outputs: readonly string[]): Artifact[] {
  const comps = componentsFromArchitecture(read(cwd, 'planning/architecture.md'), intent);
  const gaps = gapCount(read(cwd, 'planning/gap-analysis.md'), comps.length);
  const artifacts: Artifact[] = [];
  for (const output of outputs) {
    switch (output) {
      case 'planning/architecture.md':
        artifacts.push({ path: output, content: architecture(intent) });
        break;
      case 'planning/adr/*.md':
        artifacts.push(...adrs(intent, 'planning/adr'));
        break;
      case 'planning/gap-analysis.md':
        artifacts.push({ path: output, content: gapAnalysis(intent, comps) });
        break;
      case 'planning/milestones.md':
        artifacts.push({ path: output, content: milestones(intent, gaps) });
        break;
      case 'planning/epics.md':
        artifacts.push({ path: output, content: epics(intent, gaps) });
        break;
      case 'planning/tasks.json':
        artifacts.push({ path: output, content: JSON.stringify({ version: 2, tasks: taskList(gaps, comps, intent.title) }, null, 2) + '\n' });
        break;
      case 'planning/tasks/*.md':
        artifacts.push(...taskList(gaps, comps, intent.title).slice(0, 3).map((t) => ({ path: `planning/tasks/${t.id}.md`, content: taskNote(t) })));
        break;
      default: {
        // An output of a phase this agent does not know: one plausible file per pattern.
        const path = output.replace(/\*\*\//g, '').replace(/\*/g, 'notes').replace(/[?[\]{}]/g, 'x');
        artifacts.push({ path, content: genericDocument(path, intent) });
      }
    }
  }
  return artifacts;
}
