// The files of one attempt, in <git common dir>/phaserunner/runs/<run-id>/ (outside the
// worktree, so the agent never sees or writes them by accident). Its claims (who took each
// launch of the attempt) are named in claim.ts.
import { join } from 'node:path';

export interface RunFiles {
  readonly dir: string;
  readonly prompt: string;
  readonly spec: string;
  readonly started: string;
  readonly stdout: string;
  readonly stderr: string;
  readonly exit: string;
  readonly wrapperLog: string;
}

export function runFiles(dir: string): RunFiles {
  return {
    dir,
    prompt: join(dir, 'prompt.md'),
    spec: join(dir, 'dispatch.json'),
    started: join(dir, 'started.json'),
    stdout: join(dir, 'stdout.log'),
    stderr: join(dir, 'stderr.log'),
    exit: join(dir, 'exit.json'),
    wrapperLog: join(dir, 'wrapper.log'),
  };
}
