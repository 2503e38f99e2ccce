// `phaserunner approve N [--by NAME] [--note TEXT]` and `phaserunner reject N [--by NAME] --reason TEXT`;
// NAME defaults to git's user.name (by.ts).
import type { CommandModule } from 'yargs';
import { resolveBy } from '../by.js';
import { phaseVerbArgs, runPhaseVerb } from '../drive.js';
import type { GlobalArgs } from '../globals.js';

interface DecisionArgs extends GlobalArgs {
  phase: string;
  by?: string | undefined;
  wait: boolean;
}

export const approveCommand: CommandModule<GlobalArgs, DecisionArgs & { note?: string | undefined }> = {
  command: 'approve <phase>',
  describe: 'Approve the committed work of a phase awaiting approval; it is then merged with Approved-* trailers',
  builder: (y) =>
    phaseVerbArgs(y)
      .option('by', { type: 'string', describe: 'Who approves (recorded in the store and the merge commit); default: `git config user.name`' })
      .option('note', { type: 'string', describe: 'Why, or what was checked (recorded in the store)' })
      .example('$0 approve 4', 'Approve phase 4 as committed, as the person `git config user.name` names; it is merged now')
      .example('$0 approve 4 --by "Ada Lovelace"', 'The same, naming who approves')
      .example('git diff main...phaserunner/planning/4-task-planning', 'Review what you approve first')
      .example('$0 approve T-003', 'Approve execution task T-003 as verified; it goes into the merge queue'),
  handler: async (args) => {
    await runPhaseVerb(
      args,
      async (r, phase) => {
        const { approvePhase } = await import('../../runner/approval.js');
        await approvePhase(r, { phase, by: await resolveBy(r.repo.root, args.by, 'approve'), text: args.note });
      },
      async (x, task) => {
        const { approveTask } = await import('../../execute/decisions.js');
        await approveTask(x, { task, by: await resolveBy(x.repo.root, args.by, 'approve'), text: args.note });
      },
    );
  },
};

export const rejectCommand: CommandModule<GlobalArgs, DecisionArgs & { reason: string }> = {
  command: 'reject <phase>',
  describe: 'Reject the committed work of a phase awaiting approval; the next attempt is told why',
  builder: (y) =>
    phaseVerbArgs(y)
      .option('by', { type: 'string', describe: 'Who rejects; default: `git config user.name`' })
      .option('reason', { type: 'string', demandOption: true, describe: 'What must change; the next attempt\'s prompt includes it' })
      .example('$0 reject 4 --reason "T3 is too big: split it"', 'Send phase 4 back, as the person `git config user.name` names; a new attempt starts')
      .example('$0 reject 4 --by Ada --reason "T3 is too big: split it"', 'The same, naming who rejects')
      .example('$0 reject T-003 --reason "handle empty input"', 'Send execution task T-003 back: a new attempt from the base, told why'),
  handler: async (args) => {
    await runPhaseVerb(
      args,
      async (r, phase) => {
        const { rejectPhase } = await import('../../runner/approval.js');
        await rejectPhase(r, { phase, by: await resolveBy(r.repo.root, args.by, 'reject'), text: args.reason });
      },
      async (x, task) => {
        const { rejectTask } = await import('../../execute/decisions.js');
        await rejectTask(x, { task, by: await resolveBy(x.repo.root, args.by, 'reject'), text: args.reason });
      },
    );
  },
};
