// `phaserunner log` and `phaserunner show N`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { showLines, timelineLines } from '../render/log.js';
import { printView } from '../report.js';

export const logCommand: CommandModule<GlobalArgs, GlobalArgs & { ref?: string | undefined }> = {
  command: 'log',
  describe: 'The planning timeline from git: each phase merge with its attempt, agent, commits, approval and (from the store) durations',
  builder: (y) =>
    y
      .option('ref', { type: 'string', describe: 'Read this branch instead of the base branch' })
      .example('$0 log', 'The timeline, oldest phase first')
      .example('$0 log --json', 'The same as JSON'),
  handler: async (args) => {
    await printView(
      args,
      async () => {
        const { openDefinitions } = await import('../../runner/definitions.js');
        const { timeline } = await import('../../audit/timeline.js');
        return timeline(await openDefinitions(args.cwd), args.ref);
      },
      timelineLines,
    );
  },
};

export const showCommand: CommandModule<GlobalArgs, GlobalArgs & { phase: number; attempt?: number | undefined }> = {
  command: 'show <phase>',
  describe: "One phase's latest attempt: prompt, gate results, exit.json, log tail and commits",
  builder: (y) =>
    y
      .positional('phase', { type: 'number', demandOption: true, describe: 'The phase number' })
      .option('attempt', { type: 'number', describe: 'Show this attempt instead of the latest' })
      .example('$0 show 2', 'Everything about phase 2')
      .example('$0 show 2 --attempt 1 --json', 'Its first attempt, as JSON'),
  handler: async (args) => {
    await printView(
      args,
      async () => {
        const { openDefinitions } = await import('../../runner/definitions.js');
        const { showPhase } = await import('../../runner/show.js');
        return showPhase(await openDefinitions(args.cwd), args.phase, args.attempt);
      },
      showLines,
    );
  },
};
