// `init`: write .phaserunner/config.json, a copy of its JSON Schema next to it (so the
// config's `$schema` resolves in the user's editor), and an INTENT.md template when there is
// none, in an existing repository with commits. `init --force` over an existing config keeps
// every setting and changes only what the flags say (existing-config.ts). Everything is
// validated before anything is written: an agent CLI chosen with --agent must be installed.
// (Which CLIs are installed, to propose one, is agent-cli/detect.ts's: the CLI asks it, the
// demo has no use for it.)
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isAgentCli } from '../agent-cli/known.js';
import { resolveAgent } from '../agents/registry.js';
import { initialConfig } from '../config/load.js';
import { AgentConfig } from '../config/schema.js';
import { fail } from '../failures.js';
import { assertGitVersion, branchTip, currentBranch, discoverRepo, hasCommits, resolveCommit } from '../git/repo.js';
import { CONFIG_SCHEMA_NAME, configDir, configFile, configSchemaFile, PACKAGE_SCHEMA_DIR } from '../paths.js';
import { SCRIPTED } from '../agents/scripted.js';
import { readExistingConfig, updatedConfig } from './existing-config.js';
import { intentTemplate } from './intent-template.js';

export interface InitOptions {
  readonly agent?: string | undefined;
  readonly base?: string | undefined;
  readonly force?: boolean | undefined;
  /** Extra config entries (the demo sets the scripted agent's pacing). */
  readonly extra?: Record<string, unknown>;
}

export interface InitResult {
  readonly root: string;
  readonly configFile: string;
  /** True when `--force` updated an existing config (its other settings kept). */
  readonly updated: boolean;
  /** The copy of the config's JSON Schema next to it, which its `$schema` names. */
  readonly schemaFile: string;
  readonly intentFile: string;
  readonly intentCreated: boolean;
  readonly base: string;
  readonly agent: string;
}

export async function initRepo(cwd: string, options: InitOptions = {}): Promise<InitResult> {
  const repo = await discoverRepo(cwd);
  if (!(await hasCommits(repo.root))) fail({ reason: 'no-commits', dir: repo.root });
  await assertGitVersion(repo.root);
  const file = configFile(repo.root);
  if (existsSync(file) && options.force !== true) fail({ reason: 'already-initialized', configFile: file });
  const existing = readExistingConfig(file);

  const base =
    options.base ?? existing?.config.base ?? (await currentBranch(repo.root)) ?? ((await resolveCommit(repo.root, 'refs/heads/main')) ? 'main' : '');
  if (base === '') fail({ reason: 'base-unknown', dir: repo.root });
  await branchTip(repo.root, base);

  const agent = options.agent ?? existing?.config.agent ?? SCRIPTED;
  // An agent CLI the config does not declare yet is declared with its type's defaults (its
  // program is the type's name); one it declares keeps the user's settings (a command path, a
  // model). The agent chosen is checked by its own adapter, as a run will; an agent kept from
  // the existing config is not: init --force --base must not need it installed.
  const agents = existing?.config.agents ?? {};
  const declaration = isAgentCli(agent) && !Object.hasOwn(agents, agent) ? { type: agent } : undefined;
  if (options.agent !== undefined || existing === undefined) {
    const checked = declaration === undefined ? agents : { ...agents, [agent]: AgentConfig.parse(declaration) };
    resolveAgent({ agents: checked }, agent, repo.root, '--agent').preflight();
  }

  const config = {
    ...(existing === undefined
      ? initialConfig(base, agent, declaration === undefined ? undefined : { [agent]: declaration })
      : updatedConfig(existing.raw, { base, agent, declaration })),
    ...(options.extra ?? {}),
  };
  const schema = readFileSync(join(PACKAGE_SCHEMA_DIR, CONFIG_SCHEMA_NAME), 'utf8');
  mkdirSync(configDir(repo.root), { recursive: true });
  const schemaFile = configSchemaFile(repo.root);
  writeFileSync(schemaFile, schema);
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  const intentFile = join(repo.root, 'INTENT.md');
  const intentCreated = !existsSync(intentFile);
  if (intentCreated) writeFileSync(intentFile, intentTemplate(basename(repo.root)));
  return { root: repo.root, configFile: file, updated: existing !== undefined, schemaFile, intentFile, intentCreated, base, agent };
}
