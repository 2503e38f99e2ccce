// `phaserunner init`
import type { CommandModule } from 'yargs';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { runCommand } from '../run-command.js';

interface InitArgs extends GlobalArgs {
  agent?: string | undefined;
  base?: string | undefined;
  force: boolean;
}

export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
  command: 'init',
  describe: 'Set up phaserunner in this repository (.phaserunner/config.json and an INTENT.md template)',
  builder: (y) =>
    y
      .option('agent', { type: 'string', describe: 'Agent for every phase (built in: scripted)' })
      .option('base', { type: 'string', describe: 'Branch that phase work merges into (default: the current branch)' })
      .option('force', { type: 'boolean', default: false, describe: 'Overwrite an existing config' })
      .example('$0 init', 'Use the current branch as the base and the scripted agent')
      .example('$0 init --base main --agent scripted', 'Choose the base branch and the agent'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => {
      const { initRepo } = await import('../../init/init.js');
      const result = await initRepo(args.cwd, { agent: args.agent, base: args.base, force: args.force });
      if (out.json) {
        out.document({ ok: true, ...result });
        return 0;
      }
      out.line(`Wrote ${result.configFile} (base branch ${result.base}, agent ${result.agent}).`);
      if (result.intentCreated) out.line(`Wrote ${result.intentFile} from a template.`);
      out.line('');
      out.line('Next:');
      let step = 1;
      if (result.intentCreated) out.line(`  ${step++}. Describe your project in INTENT.md and delete its first (template marker) line.`);
      out.line(`  ${step++}. Commit: git add INTENT.md .phaserunner && git commit -m "Set up phaserunner"`);
      out.line(`     (the agent works from the tip of ${result.base}, so it only sees committed files)`);
      out.line(`  ${step}. Run: phaserunner run --wait`);
      if (result.agent === 'scripted') {
        out.line('');
        out.line('Note: the scripted agent writes deterministic demo plans. For real plans, set "agent" in');
        out.line('.phaserunner/config.json to an agent defined under "agents" (see README.md).');
      }
      return 0;
    });
  },
};
