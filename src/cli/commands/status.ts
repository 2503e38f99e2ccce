// `phaserunner status`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { statusLines } from '../render/status.js';
import { runCommand } from '../run-command.js';

export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'status',
  describe: 'Every phase: state, attempts, branch, commits, last gate, and what to do next',
  builder: (y) => y.example('$0 status', 'The status table').example('$0 status --json', 'The same as JSON'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => {
      const { readStatus } = await import('../../runner/status.js');
      const view = await readStatus(args.cwd);
      if (out.json) out.document(view);
      else for (const line of statusLines(view)) out.line(line);
      return 0;
    });
  },
};
