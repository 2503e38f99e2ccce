// `phaserunner retry N`
import type { CommandModule } from 'yargs';
import { phaseVerbArgs, runPhaseVerb } from '../drive.js';
import type { GlobalArgs } from '../globals.js';

interface RetryArgs extends GlobalArgs {
  phase: number;
  wait: boolean;
  until?: number | undefined;
}

export const retryCommand: CommandModule<GlobalArgs, RetryArgs> = {
  command: 'retry <phase>',
  describe: 'Dispatch a failed phase again (a new, counted attempt)',
  builder: (y) =>
    phaseVerbArgs(y)
      .option('until', { type: 'number', describe: 'With --wait: stop after this phase is done' })
      .example('$0 retry 2', 'Start attempt 2 of phase 2 after it failed')
      .example('$0 retry 2 --wait', 'Retry and follow it to the end'),
  handler: async (args) => {
    await runPhaseVerb(args, async (r) => {
      const { requestRetry } = await import('../../runner/retry.js');
      requestRetry(r, args.phase);
    });
  },
};
