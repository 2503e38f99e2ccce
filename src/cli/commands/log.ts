// `phaserunner log` and `phaserunner show N`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { showLines, taskShowLines, taskTimelineLines, timelineLines } from '../render/log.js';
import { stepArg } from '../step-arg.js';
import { definitions, printView } from '../report.js';
import { ExitCode } from '../../exit-codes.js';

export const logCommand: CommandModule<GlobalArgs, GlobalArgs & { ref?: string | undefined; workstream?: string | undefined }> = {
  command: 'log',
  describe: 'The planning timeline from git: each phase merge with its attempt, agent, commits, approval and (from the store) durations',
  builder: (y) =>
    y
      .option('ref', { type: 'string', describe: 'Read this branch instead of the base branch' })
      .option('workstream', { type: 'string', default: 'planning', choices: ['planning', 'execution'], describe: 'planning (phase merges), or execution (task merges)' })
      .example('$0 log --workstream execution', 'The task merges, oldest first, with attempts that did not merge')
      .example('$0 log', 'The timeline, oldest phase first')
      .example('$0 log --json', 'The same as JSON'),
  handler: async (args) => {
    if (args.workstream === 'execution') {
      await printView(args, async () => (await import('../../execute/timeline.js')).executionTimeline(args.cwd, args.ref), taskTimelineLines);
      return;
    }
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

export const showCommand: CommandModule<GlobalArgs, GlobalArgs & { phase: string; attempt?: number | undefined; prompt: boolean }> = {
  command: 'show <phase>',
  describe: "One phase's latest attempt: prompt, gate results, exit.json, log tail and commits",
  builder: (y) =>
    y
      .positional('phase', { type: 'string', demandOption: true, describe: "The phase number, or an execution task's id (T-003)" })
      .check((a) => {
        stepArg(a.phase);
        return true;
      })
      .option('attempt', { type: 'number', describe: 'Show this attempt instead of the latest' })
      .option('prompt', {
        type: 'boolean',
        default: false,
        describe: "Print only the attempt's exact prompt (before the first attempt: the prompt it would get now)",
      })
      .example('$0 show 2', 'Everything about phase 2')
      .example('$0 show 2 --attempt 1 --json', 'Its first attempt, as JSON')
      .example('$0 show 3 --prompt > prompt.md', "Phase 3's prompt, exactly as the agent gets it")
      .example('$0 show T-003', 'Execution task T-003: its state, attempts, the check that failed, its commits'),
  handler: async (args) => {
    const target = stepArg(args.phase);
    if (target.kind === 'task') {
      await printView(
        args,
        async () => (await import('../../execute/show-task.js')).showTask(args.cwd, target.id, args.attempt),
        (view) => (args.prompt ? (view.prompt ?? '(no attempt yet: no prompt)').replace(/\n$/, '').split('\n') : taskShowLines(view)),
      );
      return;
    }
    const phase = target.phase;
    if (args.prompt) {
      await printView(
        args,
        async () => {
          const { showPrompt } = await import('../../runner/show-prompt.js');
          return showPrompt(await definitions(args.cwd), phase, args.attempt);
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
        return showPhase(await definitions(args.cwd), phase, args.attempt);
      },
      showLines,
    );
  },
};
