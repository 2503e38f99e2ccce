// `phaserunner status [--watch [--interval SECONDS]]`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { UsageError } from '../check-args.js';
import { Output } from '../output.js';
import { statusLines } from '../render/status.js';
import { printView } from '../report.js';
import { runCommand } from '../run-command.js';

interface StatusArgs extends GlobalArgs {
  // Unset on the fast path, which runs `status` with global options only.
  watch?: boolean | undefined;
  interval?: number | undefined;
  workstream?: string | undefined;
}

export const statusCommand: CommandModule<GlobalArgs, StatusArgs> = {
  command: 'status',
  describe: 'Every phase: state, attempts, branch, commits, last gate, and what to do next; --watch follows it read-only',
  builder: (y) =>
    y
      .option('watch', { type: 'boolean', default: false, describe: 'Follow it read-only (no lock taken, nothing written) until nothing changes without you' })
      .option('workstream', { type: 'string', default: 'planning', choices: ['planning', 'execution'], describe: 'planning (phases), or execution (the plan\'s tasks)' })
      .option('interval', { type: 'number', describe: 'With --watch: seconds between looks (0.1 to 3600)', defaultDescription: '1' })
      .check((a) => {
        if (a.watch && a.workstream === 'execution') throw new UsageError('--watch follows planning; execution shows its tasks as a board under `run --workstream execution --wait`, and `status --workstream execution` gives a snapshot.');
        if (a.interval === undefined) return true;
        if (!a.watch) throw new UsageError('--interval goes with --watch: give both, or neither.');
        if (!(a.interval >= 0.1 && a.interval <= 3600)) throw new UsageError(`--interval must be a number of seconds from 0.1 to 3600, not ${String(a.interval)}.`);
        return true;
      })
      .example('$0 status', 'The status table')
      .example('$0 status --json', 'The same as JSON')
      .example('$0 status --workstream execution', 'Every task of the plan: state, attempts, dependencies, why not merged')
      .example('$0 status --watch', 'Follow a `run --wait` from another terminal; ends when planning is complete or waits for you')
      .example('$0 status --watch --json > status.ndjson', 'One status document per change'),
  handler: async (args) => {
    if (args.workstream === 'execution') {
      const { executionStatusLines } = await import('../render/execution-status.js');
      await printView(args, async () => (await import('../../execute/read-status.js')).readExecutionStatus(args.cwd), (view) => executionStatusLines(view, new Output(false).columns));
      return;
    }
    if (args.watch === true) {
      const out = new Output(args.json);
      const { watchStatus } = await import('../watch.js');
      process.exitCode = await runCommand(out, () => watchStatus(out, args.cwd, Math.round((args.interval ?? 1) * 1000)));
      return;
    }
    await printView(
      args,
      async () => {
        const { readStatus } = await import('../../runner/status.js');
        const { withFollowHint } = await import('../../runner/follow-hint.js');
        return withFollowHint(args.cwd, await readStatus(args.cwd));
      },
      statusLines,
    );
  },
};
