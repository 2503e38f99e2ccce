// `npm run test:agents` installs the real agent CLIs its tests drive, at pinned versions, into a
// cache inside node_modules (ignored by git, gone with node_modules): never into the project's
// dependencies, since users do not need them to install phaserunner. Prints nothing else on
// success but where they are; a second run with the same versions installs nothing.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** Exact versions: the adapters are proven against these (test/agents/). */
const AGENT_CLIS = {
  '@anthropic-ai/claude-code': '2.1.328',
  '@openai/codex': '0.169.0',
  '@google/gemini-cli': '0.61.0',
};
/** The program each package installs into node_modules/.bin. */
const BINS = { '@anthropic-ai/claude-code': 'claude', '@openai/codex': 'codex', '@google/gemini-cli': 'gemini' };

const ROOT = fileURLToPath(new URL('..', import.meta.url));
const AGENTS_DIR = join(ROOT, 'node_modules', '.cache', 'phaserunner-agents');

function installed(name) {
  try {
    return JSON.parse(readFileSync(join(AGENTS_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const missing = Object.entries(AGENT_CLIS).filter(([name, version]) => installed(name) !== version);
if (missing.length > 0) {
  mkdirSync(AGENTS_DIR, { recursive: true });
  // Claude Code's postinstall links its native binary into place: its install script is
  // approved here. Codex ships its binary as an optional dependency, with no script; Gemini
  // CLI's optional node-pty and keytar are for the interactive mode and stay unbuilt.
  // Every pinned CLI is a dependency of the cache's package: installing only the missing ones
  // with --no-save would prune the others as extraneous.
  writeFileSync(
    join(AGENTS_DIR, 'package.json'),
    JSON.stringify(
      {
        name: 'phaserunner-agents-cache',
        private: true,
        dependencies: AGENT_CLIS,
        allowScripts: { '@anthropic-ai/claude-code': true, 'node-pty': false, '@github/keytar': false },
      },
      null,
      2,
    ) + '\n',
  );
  const specs = missing.map(([name, version]) => `${name}@${version}`);
  process.stderr.write(`install-agents: installing ${specs.join(', ')} into ${AGENTS_DIR}\n`);
  // --engine-strict off: Claude Code declares node >=22, but ships a native binary that needs no node.
  const r = spawnSync('npm', ['install', '--no-audit', '--no-fund', '--no-package-lock', '--engine-strict=false'], { cwd: AGENTS_DIR, stdio: ['ignore', 'inherit', 'inherit'] });
  if (r.status !== 0) {
    process.stderr.write(`install-agents: npm install failed (exit ${r.status}); the agent tests need the registry.\n`);
    process.exit(1);
  }
}
// Gemini CLI writes into its home even for --version: a scratch one, not the user's ~/.gemini.
mkdirSync(join(AGENTS_DIR, 'gemini-home'), { recursive: true });
for (const [name, bin] of Object.entries(BINS)) {
  const program = join(AGENTS_DIR, 'node_modules', '.bin', bin);
  if (!existsSync(program)) {
    process.stderr.write(`install-agents: ${program} (from ${name}) is missing after the install.\n`);
    process.exit(1);
  }
  const version = spawnSync(program, ['--version'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, GEMINI_CLI_HOME: join(AGENTS_DIR, 'gemini-home') } });
  if (version.status !== 0) {
    process.stderr.write(`install-agents: ${program} --version failed: ${version.stderr}\n`);
    process.exit(1);
  }
  process.stdout.write(`${bin} ${version.stdout.trim().split('\n')[0]}: ${program}\n`);
}
