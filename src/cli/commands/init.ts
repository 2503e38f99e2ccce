// `phaserunner init`
import type { CommandModule } from 'yargs';
import { AGENT_CLIS, installHint } from '../../agent-cli/known.js';
import { SCRIPTED } from '../../agents/scripted.js';
import type { DetectedCli } from '../../agent-cli/detect.js';
import type { GlobalArgs } from '../globals.js';
import { Output } from '../output.js';
import { runCommand } from '../run-command.js';
import { shellWord } from '../../util/shell.js';

/** What --agent accepts: the built-in agent and every agent CLI with an adapter type. */
const AGENT_CHOICES = [SCRIPTED, ...AGENT_CLIS];

interface InitArgs extends GlobalArgs {
  agent?: string | undefined;
  base?: string | undefined;
  force: boolean;
}

export const initCommand: CommandModule<GlobalArgs, InitArgs> = {
  command: 'init',
  describe:
    'Set up phaserunner in this repository (.phaserunner/config.json, its JSON Schema and an INTENT.md template); lists the agent CLIs installed and proposes one',
  builder: (y) =>
    y
      .option('agent', {
        type: 'string',
        choices: AGENT_CHOICES,
        describe: 'Agent for every phase: the built-in scripted one (demo plans, the default), or an installed agent CLI',
      })
      .option('base', { type: 'string', describe: 'Branch that phase work merges into (default: the current branch; with --force, the one the config has)' })
      .option('force', {
        type: 'boolean',
        default: false,
        describe: 'Update an existing config: change only what --agent and --base say, keep every other setting, refresh its schema',
      })
      .example('$0 init', 'Use the current branch as the base and the scripted agent; say which agent CLIs are installed and how to switch')
      .example('$0 init --agent claude', 'Plan with Claude Code (codex, gemini and aider likewise); it must be installed')
      .example('$0 init --force --agent claude', 'Switch an existing setup to Claude Code, keeping every other setting')
      .example('$0 init --base main --json', 'Choose the base branch; the JSON has the detected CLIs ("detected") and the proposal ("proposed")'),
  handler: async (args) => {
    const out = new Output(args.json);
    process.exitCode = await runCommand(out, async () => {
      const { initRepo } = await import('../../init/init.js');
      const { detectAgentClis, proposedAgent } = await import('../../agent-cli/detect.js');
      const result = await initRepo(args.cwd, { agent: args.agent, base: args.base, force: args.force });
      const detected = await detectAgentClis(result.root);
      const proposed = proposedAgent(detected);
      if (out.json) {
        out.document({ ok: true, ...result, detected, proposed });
        return 0;
      }
      out.line(
        result.updated
          ? `Updated ${result.configFile} (base branch ${result.base}, agent ${result.agent}); every other setting kept.`
          : `Wrote ${result.configFile} (base branch ${result.base}, agent ${result.agent}).`,
      );
      out.line(`Wrote ${result.schemaFile} (the config's JSON Schema, named by its "$schema" for editors).`);
      if (result.intentCreated) out.line(`Wrote ${result.intentFile} from a template.`);
      out.line(detected.length === 0 ? `No agent CLI found on PATH (looked for ${AGENT_CLIS.join(', ')}).` : `Found: ${detected.map(foundText).join(', ')}`);
      if (result.agent === SCRIPTED) proposeSwitch(out, proposed, args.base);
      out.line('');
      out.line('Next:');
      let step = 1;
      if (result.intentCreated) out.line(`  ${step++}. Describe your project in INTENT.md and delete its first (template marker) line.`);
      out.line(`  ${step++}. Commit: git add INTENT.md .phaserunner && git commit -m "Set up phaserunner"`);
      out.line(`     (the agent works from the tip of ${result.base}, so it only sees committed files)`);
      out.line(`  ${step}. Run: phaserunner run --wait`);
      return 0;
    });
  },
};

function foundText(cli: DetectedCli): string {
  return `${cli.type} ${cli.version ?? '(version unknown)'} (${cli.path})`;
}

/** On the scripted agent: the exact command that switches to the agent CLI found first, or how to get one. */
function proposeSwitch(out: Output, proposed: string | null, base: string | undefined): void {
  out.line('');
  if (proposed === null) {
    out.line('Note: the scripted agent writes deterministic demo plans. For real plans, install an agent CLI');
    out.line(`(${installHint('claude') ?? 'Claude Code'}), then run \`phaserunner init --force --agent claude\`.`);
    return;
  }
  const command = `phaserunner init --force --agent ${proposed}${base === undefined ? '' : ` --base ${shellWord(base)}`}`;
  out.line(`The scripted agent writes deterministic demo plans. To plan with ${proposed} instead, run:`);
  out.line(`  ${command}`);
  out.line(`or set in .phaserunner/config.json: "agent": "${proposed}", "agents": {"${proposed}": {"type": "${proposed}"}}`);
}
