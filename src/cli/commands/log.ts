// `phaserunner log` and `phaserunner show N`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { showLines, timelineLines } from '../render/log.js';
import { definitions, printView } from '../report.js';
import { ExitCode } from '../../exit-codes.js';

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
        const { timeline } = await import('../../audit/timeline.js');
        return timeline(await definitions(args.cwd), args.ref);
      },
      timelineLines,
    );
  },
};

export const showCommand: CommandModule<GlobalArgs, GlobalArgs & { phase: number; attempt?: number | undefined; prompt: boolean }> = {
  command: 'show <phase>',
  describe: "One phase's latest attempt: prompt, gate results, exit.json, log tail and commits",
  builder: (y) =>
    y
      .positional('phase', { type: 'number', demandOption: true, describe: 'The phase number' })
      .option('attempt', { type: 'number', describe: 'Show this attempt instead of the latest' })
      .option('prompt', {
        type: 'boolean',
        default: false,
        describe: "Print only the attempt's exact prompt (before the first attempt: the prompt it would get now)",
      })
      .example('$0 show 2', 'Everything about phase 2')
      .example('$0 show 2 --attempt 1 --json', 'Its first attempt, as JSON')
      .example('$0 show 3 --prompt > prompt.md', "Phase 3's prompt, exactly as the agent gets it"),
  handler: async (args) => {
    if (args.prompt) {
      await printView(
        args,
        async () => {
          const { showPrompt } = await import('../../runner/show-prompt.js');
          return showPrompt(await definitions(args.cwd), args.phase, args.attempt);
        },
        // The prompt exactly, so it can be piped or saved; notes go to stderr.
        (view) => (view.prompt === null ? [] : view.prompt.replace(/\n$/, '').split('\n')),
        (view, out) => {
          if (view.prompt === null) {
            out.error(`phaserunner: the prompt file of phase ${view.phase} attempt ${view.attempt ?? '?'} is missing: ${view.file ?? ''}\nNext: its run directory was removed; \`phaserunner show ${view.phase}\` shows what the store recorded.`);
            return ExitCode.badData;
          }
          if (view.preview && !out.json && view.base !== null) {
            out.error(`phaserunner: phase ${view.phase} has no attempt yet: this is the prompt it would get now, from ${view.base.branch} at ${view.base.commit.slice(0, 12)}.`);
          }
          return ExitCode.ok;
        },
      );
      return;
    }
    await printView(
      args,
      async () => {
        const { showPhase } = await import('../../runner/show.js');
        return showPhase(await definitions(args.cwd), args.phase, args.attempt);
      },
      showLines,
    );
  },
};
