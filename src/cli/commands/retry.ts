// `phaserunner retry N`
import type { CommandModule } from 'yargs';
import { phaseVerbArgs, runPhaseVerb } from '../drive.js';
import type { GlobalArgs } from '../globals.js';

interface RetryArgs extends GlobalArgs {
  phase: string;
  wait: boolean;
  until?: number | undefined;
}

export const retryCommand: CommandModule<GlobalArgs, RetryArgs> = {
  command: 'retry <phase>',
  describe: 'Dispatch a failed phase, or a failed or conflicted execution task, again (a new, counted attempt)',
  builder: (y) =>
    phaseVerbArgs(y)
      .option('until', { type: 'number', describe: 'With --wait: stop after this phase is done' })
      .example('$0 retry 2', 'Start attempt 2 of phase 2 after it failed')
      .example('$0 retry 2 --wait', 'Retry and follow it to the end')
      .example('$0 retry T-003 --wait', 'Execution task T-003 again, with its whole attempt budget; its blocked dependents go on'),
  handler: async (args) => {
    await runPhaseVerb(
      args,
      async (r, phase) => {
        const { requestRetry } = await import('../../runner/retry.js');
        requestRetry(r, phase);
      },
      async (x, task) => {
        const { requestTaskRetry } = await import('../../execute/decisions.js');
        requestTaskRetry(x, task);
      },
    );
  },
};
