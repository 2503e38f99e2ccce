// Behaviour "wait-release": the agent does its work, then does not exit until a test lets it,
// so a test chooses the order in which parallel attempts finish without timing anything.
// Either file releases it: `<run dir>/release` (the run directory is the prompt file's) for one
// attempt, or `$PHASERUNNER_TEST_RELEASE_DIR/<task id>` (a phase's number in phase mode), which a
// test can create before it knows the run directory.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { sleep, type AgentContext } from './context.js';

/** How often it looks: small, so a released agent ends promptly; the files are tiny stats. */
const POLL_MS = 50;

export function releaseFiles(context: AgentContext, id: string, env: NodeJS.ProcessEnv = process.env): string[] {
  const files = [join(context.runDir, 'release')];
  const dir = env['PHASERUNNER_TEST_RELEASE_DIR'];
  if (dir !== undefined && dir !== '') files.push(join(dir, id));
  return files;
}

export async function waitForRelease(context: AgentContext, id: string): Promise<void> {
  const files = releaseFiles(context, id);
  // The line a test waits for: from here on the agent is provably still running.
  context.say(`waiting for release: ${files.join(' or ')}`);
  while (!files.some((f) => existsSync(f))) await sleep(POLL_MS);
  context.say('released');
}
