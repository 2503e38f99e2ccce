// `phaserunner demo`: planning (phases 1-4, as `run --wait`), then execution of the plan (as
// `run --workstream execution --wait`), then a check of what it claims: every task merged, task
// agents at work at once, the test suite green on the base tip. With --json, stdout is one
// document, as for every verb: the planning result as before, `execution` (the result and
// events of `run --workstream execution --wait --json`) and `verification`.
import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
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

/**
 * An Output whose stdout is kept, for --json: drive and driveExecution write their documents
 * and events there, and the demo puts them in its one document.
 */
function captured(): { out: Output; text: () => string } {
  const chunks: string[] = [];
  const sink = { isTTY: false, columns: 0, rows: 0, write: (chunk: string) => chunks.push(chunk) > 0 };
  return { out: new Output(true, sink as unknown as NodeJS.WriteStream), text: () => chunks.join('') };
}

interface Ndjson {
  readonly type: string;
  readonly exit_code?: number;
}

export const demoCommand: CommandModule<GlobalArgs, DemoArgs> = {
  command: 'demo',
  describe: 'Create a throwaway repository, drive planning phases 1-4 and then execute the plan, on the scripted agent',
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
      const { createDemoRepo, DEMO_CONCURRENCY, DEMO_SUITE } = await import('../../demo/demo.js');
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
      const planningOut = out.json ? captured() : undefined;
      const { code, view } = await drive(planningOut?.out ?? out, { cwd: dir, wait: true, ndjson: false, extra: { dir }, onSettled });
      const planning = planningOut === undefined ? undefined : (JSON.parse(planningOut.text()) as Record<string, unknown>);
      if (!out.json) {
        out.line('');
        for (const line of statusLines(view)) out.line(line);
      }
      if (code !== ExitCode.ok) {
        if (planning !== undefined) out.document(planning);
        else out.line(`\nRepository: ${dir}`);
        return code;
      }

      out.line('');
      out.line(`Planning is done. The demo now executes the plan, as you would with:`);
      out.line('  phaserunner run --workstream execution --wait');
      out.line(`${DEMO_CONCURRENCY} tasks at a time, each in its own worktree; every merge is tested with \`${DEMO_SUITE.argv.join(' ')}\` first.`);
      out.line('');
      const { driveExecution } = await import('../drive-execution.js');
      const executionOut = out.json ? captured() : undefined;
      const executed = await driveExecution(executionOut?.out ?? out, { cwd: dir, wait: true });
      const stream = (executionOut?.text() ?? '').split('\n').filter((l) => l.trim() !== '').map((l) => JSON.parse(l) as Ndjson);
      const last = stream.at(-1);
      // The same events as `run --workstream execution --wait --json`, without the board's progress.
      const execution = last === undefined ? undefined : { ...last, events: stream.slice(0, -1).filter((e) => e.type !== 'task-progress') };
      if (executed !== ExitCode.ok) {
        if (out.json) out.document({ ...planning, exit_code: executed, execution });
        else out.line(`\nRepository: ${dir}`);
        return executed;
      }

      const { verifyDemo } = await import('../../demo/verify.js');
      const verdict = await verifyDemo(dir);
      const final = verdict.ok ? ExitCode.ok : ExitCode.phaseFailed;
      if (out.json) {
        out.document({ ...planning, exit_code: final, execution, verification: verdict });
      } else {
        const { demoSummaryLines } = await import('../render/demo.js');
        out.line('');
        for (const line of demoSummaryLines(verdict, dir, DEMO_CONCURRENCY)) out.line(line);
      }
      for (const problem of verdict.problems) out.error(`phaserunner demo: ${problem}`);
      if (!verdict.ok) out.error(`Next: look at the repository (${dir}) with \`phaserunner -C ${dir} status --workstream execution\` and \`git -C ${dir} log --oneline --graph\`, and report it: the demo should end green.`);
      return final;
    });
  },
};
