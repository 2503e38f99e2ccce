// `phaserunner doctor [--repair]`
import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import type { GlobalArgs } from '../globals.js';
import { renderer } from '../render/events.js';
import { printView } from '../report.js';

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
    await printView(
      args,
      async (out) => {
        const { doctor } = await import('../../runner/doctor.js');
        // With --json, stdout is the one report: the rebuild's event is not printed.
        return doctor(args.cwd, args.repair, out.json ? () => undefined : renderer(out));
      },
      (report) => report.checks.flatMap((c) => [`${c.ok ? '✓' : '✗'} ${c.name}: ${c.message}`, ...(c.repaired === null ? [] : [`  repaired: ${c.repaired}`])]),
      (report, out) => {
        if (report.ok) return ExitCode.ok;
        if (!out.json) out.error('Next: run `phaserunner doctor --repair`; it moves what is damaged aside (nothing is deleted) and rebuilds it from git.');
        return ExitCode.humanNeeded;
      },
    );
  },
};
