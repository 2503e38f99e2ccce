// `phaserunner replan N --reason TEXT` and `phaserunner acknowledge N --reason TEXT`: decisions a
// person records on the base branch (src/runner/records.ts). NAME defaults to git's user.name.
import type { CommandModule } from 'yargs';
import { resolveBy } from '../by.js';
import { phaseVerbArgs, runPhaseVerb } from '../drive.js';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { renderer } from '../render/events.js';
import { runCommand } from '../run-command.js';

interface RecordArgs extends GlobalArgs {
  phase: string;
  by?: string | undefined;
  reason: string;
}

export const replanCommand: CommandModule<GlobalArgs, RecordArgs & { wait: boolean; until?: number | undefined }> = {
  command: 'replan <phase>',
  describe: 'Plan again from a phase: it and every later phase run as new attempts on top of the base; their merges stay in history, and the replan is recorded there',
  builder: (y) =>
    phaseVerbArgs(y, { tasks: false })
      .option('by', { type: 'string', describe: 'Who asks for it (recorded on the base branch); default: `git config user.name`' })
      .option('reason', { type: 'string', demandOption: true, describe: 'Why: recorded on the base branch with the replan' })
      .option('until', { type: 'number', describe: 'With --wait: stop after this phase is done' })
      .example('$0 replan 2 --reason "INTENT.md now covers offline sync" --wait', 'After committing an INTENT.md change: plan phases 2-4 again, and follow them')
      .example('$0 replan 4 --by Ada --reason "tasks too coarse"', 'Redo the task plan only; the next pass starts it'),
  handler: async (args) => {
    await runPhaseVerb(args, async (r, phase) => {
      const { replan } = await import('../../runner/records.js');
      await replan(r, { phase, by: await resolveBy(r.repo.root, args.by, 'replan'), reason: args.reason });
    });
  },
};

export const acknowledgeCommand: CommandModule<GlobalArgs, Omit<RecordArgs, 'phase'> & { phase: number }> = {
  command: 'acknowledge <phase>',
  describe: "Accept a hand edit of a merged phase's outputs: recorded on the base branch, so the audit no longer reports it as drift",
  builder: (y) =>
    y
      .positional('phase', { type: 'number', demandOption: true, describe: 'The phase number' })
      .option('by', { type: 'string', describe: 'Who accepts it (recorded on the base branch); default: `git config user.name`' })
      .option('reason', { type: 'string', demandOption: true, describe: 'Why the edit is meant: recorded with it' })
      .example('$0 acknowledge 4 --reason "split T-003 by hand"', "Accept phase 4's outputs as they are on the base now")
      .example('$0 audit', 'Then: no drift reported for what was acknowledged'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => {
      const { withRunner } = await import('../../runner/session.js');
      const { acknowledge } = await import('../../runner/records.js');
      const record = await withRunner(args.cwd, out.json ? () => undefined : renderer(out), async (r) =>
        acknowledge(r, { phase: args.phase, by: await resolveBy(r.repo.root, args.by, 'acknowledge'), reason: args.reason }),
        // It starts no agent: neither a missing agent program nor a pending change of setup matters.
        { preflight: false },
      );
      if (out.json) out.document({ ok: true, record });
      return 0;
    });
  },
};
