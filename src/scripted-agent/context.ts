// What every part of the scripted agent shares: where it works, how it reports a line, and
// how it writes a file (creating its directories), so phase and task mode say things alike.
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';

export interface AgentContext {
  /** Its checkout: every path it writes is relative to it. */
  readonly cwd: string;
  /** The run directory of this attempt: where the prompt file is (and a test's release file). */
  readonly runDir: string;
  say(line: string): void;
  write(path: string, content: string): void;
}

export function agentContext(cwd: string, role: string, promptFile: string | undefined): AgentContext {
  return {
    cwd,
    runDir: dirname(promptFile ?? join(cwd, 'prompt.md')),
    say(line) {
      console.log(`[scripted ${role}] ${line}`);
    },
    write(path, content) {
      const file = join(cwd, path);
      mkdirSync(dirname(file), { recursive: true });
      writeFileSync(file, content);
    },
  };
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Never resolves: the agent works "forever" until it is killed (behaviors hang and hang-hard). */
export function hangForever(context: AgentContext, ignoreSigterm: boolean): Promise<number> {
  if (ignoreSigterm) process.on('SIGTERM', () => {
    context.say('ignoring SIGTERM');
  });
  context.say('thinking (forever)');
  setInterval(() => {
    context.say('still thinking');
  }, 1000);
  return new Promise<number>(() => undefined);
}
