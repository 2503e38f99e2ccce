// `phaserunner audit`
import { join } from 'node:path';
import type { CommandModule } from 'yargs';
import { ExitCode } from '../../exit-codes.js';
import { PACKAGE_ROOT } from '../../paths.js';
import type { CommandProgress } from '../../audit/command-checks.js';
import type { GlobalArgs } from '../globals.js';
import { auditLines } from '../render/audit.js';
import { definitions, printView } from '../report.js';

/** What each finding code means: shipped with the package, named by the path it has there. */
const FINDINGS_DOC = join(PACKAGE_ROOT, 'docs', 'audit.md');

interface AuditArgs extends GlobalArgs {
  ref?: string | undefined;
  commands?: boolean | undefined;
}

export const auditCommand: CommandModule<GlobalArgs, AuditArgs> = {
  command: 'audit',
  describe: 'Verify the history (phase merges, and task merges of the execution workstream) from git alone (and cross-check the store when present); exit 3 on findings',
  builder: (y) =>
    y
      .option('ref', { type: 'string', describe: 'Audit this branch or commit instead of the base branch' })
      .option('commands', {
        type: 'boolean',
        describe: "Also run each merge's gate `command` checks again, on a clean checkout of the merge's tree (they run programs, so only when asked)",
      })
      .example('$0 audit', 'Verify the base branch; exit 0 when clean')
      .example('$0 audit --json', 'Findings as JSON: code, phase, commit, message')
      .example('git clone URL x && $0 -C x audit', 'Works on a fresh clone, without the store')
      .example('$0 audit --commands', "Also re-run the gates' command checks (tests, linters) at every merge"),
  handler: async (args) => {
    await printView(
      args,
      async (out) => {
        const { audit } = await import('../../audit/audit.js');
        // Command checks can take minutes: each is named on stderr as it starts.
        const onCommand = (p: CommandProgress): void => {
          out.error(`audit: [${p.index}/${p.total}] phase ${p.phase}, merge ${p.merge.slice(0, 12)}: running \`${p.command}\``);
        };
        return audit(await definitions(args.cwd, 'audit'), args.ref, { commands: args.commands === true, onCommand });
      },
      auditLines,
      (report, out) => {
        if (report.ok) return ExitCode.ok;
        if (!out.json) out.error(`Next: fix or explain each finding above; \`phaserunner audit --json\` lists them for scripts (${FINDINGS_DOC} says what each code means).`);
        return ExitCode.auditFindings;
      },
    );
  },
};
