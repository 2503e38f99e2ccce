// `npm run test:agents`'s globalSetup: the run's own TMPDIR, removed at the end. What is left
// in it is reported, not failed: the real agent CLIs may keep files of their own in TMPDIR.
import type { TestProject } from 'vitest/node';
import { tempRoot } from '../helpers/temp-root.js';

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return tempRoot(project, { failOnLitter: false });
}
