// `phaserunner demo`
import type { CommandModule } from 'yargs';
import { drive } from '../drive.js';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { UsageError } from '../check-args.js';
import { statusLines } from '../render/status.js';
import { runCommand } from '../run-command.js';
import type { Runner } from '../../runner/context.js';
import type { PassResult } from '../../runner/loop.js';

const DEMO_APPROVER = 'Demo Reviewer';

interface DemoArgs extends GlobalArgs {
  dir?: string | undefined;
  delay: number;
}

export const demoCommand: CommandModule<GlobalArgs, DemoArgs> = {
  command: 'demo',
  describe: 'Create a throwaway repository and drive planning phases 1-4 on the scripted agent',
  builder: (y) =>
    y
      .option('dir', { type: 'string', describe: 'Create the repository here (new or empty) and keep it' })
      .option('delay', { type: 'number', default: 150, describe: 'Milliseconds the scripted agent pauses between files' })
      .check((a) => {
        if (!Number.isInteger(a.delay) || a.delay < 0 || a.delay > 600_000) throw new UsageError(`--delay must be a whole number of milliseconds from 0 to 600000, not ${String(a.delay)}.`);
        return true;
      })
      .example('$0 demo', 'Run the demo in a temporary directory')
      .example('$0 demo --dir ./shelf', 'Keep the demo repository at ./shelf'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => {
      const { createDemoRepo } = await import('../../demo/demo.js');
      const dir = await createDemoRepo(args.dir, args.delay);
      out.line(`Created a demo repository at ${dir}`);
      out.line('It has an INTENT.md for "Shelf", a bookmark manager, and phaserunner set up on the scripted agent.');
      out.line('');
      // The shipped config has a human approve the task plan. The demo plays that human,
      // showing the command a user would type after reviewing the phase.
      const { approvePhase } = await import('../../runner/approval.js');
      const onSettled = async (r: Runner, result: PassResult): Promise<boolean> => {
        const phase = result.awaiting[0]?.phase;
        if (phase === undefined) return false;
        out.line('');
        out.line(`The demo approves phase ${phase} for you, as you would after reviewing it:`);
        out.line(`  phaserunner approve ${phase} --by "${DEMO_APPROVER}"`);
        out.line('');
        await approvePhase(r, { phase, by: DEMO_APPROVER, text: 'approved by the demo' });
        return true;
      };
      const { code, view } = await drive(out, { cwd: dir, wait: true, ndjson: false, extra: { dir }, onSettled });
      if (!out.json) {
        out.line('');
        for (const line of statusLines(view)) out.line(line);
        out.line('');
        out.line(`Repository: ${dir}`);
        out.line(`  git -C ${dir} log --graph --oneline --decorate`);
        out.line(`  git -C ${dir} log -1 --format=%B main     (the trailers of the last merge)`);
      }
      return code;
    });
  },
};
