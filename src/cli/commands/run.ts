// `phaserunner run`
import type { CommandModule } from 'yargs';
import { drive } from '../drive.js';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { runCommand } from '../run-command.js';

interface RunArgs extends GlobalArgs {
  wait: boolean;
  until?: number | undefined;
}

export const runCommandModule: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run',
  describe: 'One pass: collect a finished agent, commit and merge its work, gate and dispatch the next phase',
  builder: (y) =>
    y
      .option('wait', { type: 'boolean', default: false, describe: 'Keep going until planning is done or a human is needed' })
      .option('until', { type: 'number', describe: 'Stop after this phase is done' })
      .example('$0 run', 'Do what can be done now and return (the agent works in the background)')
      .example('$0 run --wait', 'Drive planning to the end, showing progress')
      .example('$0 run --wait --until 2', 'Stop once phase 2 is merged')
      .example('$0 run --wait --json', 'NDJSON events, then a result line'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => (await drive(out, { cwd: args.cwd, wait: args.wait, until: args.until })).code);
  },
};
