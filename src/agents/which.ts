// Finding an executable the way a shell would, so "not on PATH" is caught before dispatch.
import { accessSync, constants, statSync } from 'node:fs';
import { fail } from '../failures.js';
import { delimiter, isAbsolute, join, resolve } from 'node:path';

/** The absolute path of `command`, or undefined when it cannot be executed from `cwd`. */
export function which(command: string, cwd: string, path: string = process.env['PATH'] ?? ''): string | undefined {
  if (command.includes('/')) {
    const full = isAbsolute(command) ? command : resolve(cwd, command);
    return isExecutable(full) ? full : undefined;
  }
  for (const dir of path.split(delimiter)) {
    if (dir === '') continue;
    const full = join(dir, command);
    if (isExecutable(full)) return full;
  }
  return undefined;
}

function isExecutable(file: string): boolean {
  try {
    accessSync(file, constants.X_OK);
    return statSync(file).isFile();
  } catch {
    return false;
  }
}

/** An agent's program, resolved now (the agent runs in its worktree, where a relative path differs); agent-unavailable when missing. */
export function agentProgram(agent: string, type: string, program: string, root: string): string {
  return which(program, root) ?? fail({ reason: 'agent-unavailable', agent, type, binary: program });
}
