// `phaserunner status`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { statusLines } from '../render/status.js';
import { printView } from '../report.js';

export const statusCommand: CommandModule<GlobalArgs, GlobalArgs> = {
  command: 'status',
  describe: 'Every phase: state, attempts, branch, commits, last gate, and what to do next',
  builder: (y) => y.example('$0 status', 'The status table').example('$0 status --json', 'The same as JSON'),
  handler: async (args) => {
    await printView(
      args,
      async () => {
        const { readStatus } = await import('../../runner/status.js');
        return readStatus(args.cwd);
      },
      statusLines,
    );
  },
};
