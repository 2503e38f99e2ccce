// `phaserunner doctor [--repair]`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { renderer } from '../render/events.js';
import { printView } from '../report.js';

interface DoctorArgs extends GlobalArgs {
  repair: boolean;
}

export const doctorCommand: CommandModule<GlobalArgs, DoctorArgs> = {
  command: 'doctor',
  describe:
    "Check what phaserunner needs here: git, node, process containment, the configured agents (found, version), the store and the repository's state (processes of its attempts left running among it), each with a fix; --repair applies the documented recovery (a damaged store is moved aside and rebuilt from git)",
  builder: (y) =>
    y
      .option('repair', { type: 'boolean', default: false, describe: 'Repair what can be repaired; nothing is deleted' })
      .example('$0 doctor', 'A line per check (✓ ok, ! warning, ✗ failure) with the fix under it; exit 69 when git, node or the active agent is missing, 2 when processes of attempts are left running or the store needs --repair')
      .example('$0 doctor --json', 'The same as one JSON document: {ok, checks: [{name, ok, level, message, fix, repaired, details}]}')
      .example('$0 doctor --repair', 'Move a damaged store aside and rebuild it from git history'),
  handler: async (args) => {
    const { doctorExitCode, doctorLines, firstFailure } = await import('../render/doctor.js');
    await printView(
      args,
      async (out) => {
        const { doctor } = await import('../../doctor/doctor.js');
        // With --json, stdout is the one report: the rebuild's event is not printed.
        return doctor(args.cwd, args.repair, out.json ? () => undefined : renderer(out));
      },
      doctorLines,
      (report, out) => {
        const failed = firstFailure(report);
        if (failed !== undefined && !out.json) out.error(`Next: ${failed.fix ?? 'see the check above.'}`);
        return doctorExitCode(failed);
      },
    );
  },
};
