// `phaserunner doctor [--repair]`
import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { renderer } from '../render/events.js';
import { runCommand } from '../run-command.js';

interface DoctorArgs extends GlobalArgs {
  repair: boolean;
}

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe: "Check this repository's phaserunner state; --repair applies the documented recovery (a damaged store is moved aside and rebuilt from git)",
  builder: (y) =>
    y
      .option('repair', { type: 'boolean', default: false, describe: 'Repair what can be repaired; nothing is deleted' })
      .example('$0 doctor', 'Report problems; exit 2 when one needs --repair')
      .example('$0 doctor --repair', 'Move a damaged store aside and rebuild it from git history'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => {
      const { doctor } = await import('../../runner/doctor.js');
      // With --json, stdout is the one report: the rebuild's event is not printed.
      const report = await doctor(args.cwd, args.repair, out.json ? () => undefined : renderer(out));
      if (out.json) out.document(report);
      else {
        for (const c of report.checks) {
          out.line(`${c.ok ? '✓' : '✗'} ${c.name}: ${c.message}`);
          if (c.repaired !== null) out.line(`  repaired: ${c.repaired}`);
        }
        if (!report.ok) out.error('Next: run `phaserunner doctor --repair`; it moves what is damaged aside (nothing is deleted) and rebuilds it from git.');
      }
      return report.ok ? ExitCode.ok : ExitCode.humanNeeded;
    });
  },
};
