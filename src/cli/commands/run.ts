// `phaserunner run`
import type { CommandModule } from 'yargs';
import { drive } from '../drive.js';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { runCommand } from '../run-command.js';
import { UsageError } from '../check-args.js';

interface RunArgs extends GlobalArgs {
  wait: boolean;
  until?: number | undefined;
  workstream: string;
  concurrency?: number | undefined;
}

export const runCommandModule: CommandModule<GlobalArgs, RunArgs> = {
  command: 'run',
  describe: 'One pass: collect a finished agent, commit and merge its work, gate and dispatch the next phase',
  builder: (y) =>
    y
      .option('wait', { type: 'boolean', default: false, describe: 'Keep going until planning is done or a human is needed' })
      .option('until', { type: 'number', describe: 'Stop after this phase is done (planning)' })
      .option('workstream', { type: 'string', default: 'planning', choices: ['planning', 'execution'], describe: 'planning (phases 1-4), or execution: the tasks of the plan planning merged' })
      .option('concurrency', { type: 'number', describe: 'Execution: tasks whose agents work at once (overrides execution.concurrency)' })
      .check((a) => {
        if (a.concurrency !== undefined && (a.workstream !== 'execution' || !Number.isSafeInteger(a.concurrency) || a.concurrency < 1)) {
          throw new UsageError(a.workstream !== 'execution' ? '--concurrency goes with --workstream execution.' : `--concurrency must be a whole number of at least 1, not ${String(a.concurrency)}.`);
        }
        if (a.until !== undefined && a.workstream === 'execution') throw new UsageError('--until is for planning phases; execution runs until every task is merged or a human is needed.');
        return true;
      })
      .example('$0 run', 'Do what can be done now and return (the agent works in the background)')
      .example('$0 run --wait', 'Drive planning to the end, showing progress')
      .example('$0 run --wait --until 2', 'Stop once phase 2 is merged')
      .example('$0 run --wait --json', 'NDJSON events, then a result line')
      .example('$0 run --workstream execution --wait', 'Execute the plan: tasks in parallel worktrees, merged through the merge queue')
      .example('$0 run --workstream execution --wait --concurrency 4', 'Up to 4 agents at once'),
  handler: async (args) => {
    const out = new Output(args.json);
    if (args.workstream === 'execution') {
      const { driveExecution } = await import('../drive-execution.js');
      process.exitCode = await runCommand(out, () => driveExecution(out, { cwd: args.cwd, wait: args.wait, concurrency: args.concurrency }));
      return;
    }
    process.exitCode = await runCommand(out, async () => (await drive(out, { cwd: args.cwd, wait: args.wait, until: args.until })).code);
  },
};
