// `phaserunner audit`
import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { auditLines } from '../render/audit.js';
import { runCommand } from '../run-command.js';

interface AuditArgs extends GlobalArgs {
  ref?: string | undefined;
}

export const auditCommand: CommandModule<GlobalArgs, AuditArgs> = {
  command: 'audit',
  describe: 'Verify the planning history from git alone (and cross-check the store when present); exit 3 on findings',
  builder: (y) =>
    y
      .option('ref', { type: 'string', describe: 'Audit this branch or commit instead of the base branch' })
      .example('$0 audit', 'Verify the base branch; exit 0 when clean')
      .example('$0 audit --json', 'Findings as JSON: code, phase, commit, message')
      .example('git clone URL x && $0 -C x audit', 'Works on a fresh clone, without the store'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => {
      const { openDefinitions } = await import('../../runner/context.js');
      const { audit } = await import('../../audit/audit.js');
      const report = await audit(await openDefinitions(args.cwd), args.ref);
      if (out.json) out.document(report);
      else {
        for (const line of auditLines(report)) out.line(line);
        if (!report.ok) out.error(`Next: fix or explain each finding above; \`phaserunner audit --json\` lists them for scripts (docs/audit.md says what each code means).`);
      }
      return report.ok ? ExitCode.ok : ExitCode.auditFindings;
    });
  },
};
