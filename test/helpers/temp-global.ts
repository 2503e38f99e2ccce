// `npm test`'s globalSetup: the run's own TMPDIR, and a failed run if the tests leave anything in it.
import type { TestProject } from 'vitest/node';
import { tempRoot } from './temp-root.js';

export default function setup(project: TestProject): Promise<() => Promise<void>> {
  return tempRoot(project, { failOnLitter: true });
}
