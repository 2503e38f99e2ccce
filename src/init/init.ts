// `init`: write .phaserunner/config.json (and an INTENT.md template when there is none) in
// an existing repository with commits. Everything is validated before anything is written:
// an agent CLI chosen with --agent must be installed. (Which CLIs are installed, to propose
// one, is agent-cli/detect.ts's: the CLI asks it, the demo has no use for it.)
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { isAgentCli } from '../agent-cli/known.js';
import { resolveAgent } from '../agents/registry.js';
import { initialConfig } from '../config/load.js';
import { AgentConfig } from '../config/schema.js';
import { fail } from '../failures.js';
import { assertGitVersion, branchTip, currentBranch, discoverRepo, hasCommits, resolveCommit } from '../git/repo.js';
import { configDir, configFile } from '../paths.js';
import { SCRIPTED } from '../agents/scripted.js';
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

  const base = options.base ?? (await currentBranch(repo.root)) ?? ((await resolveCommit(repo.root, 'refs/heads/main')) ? 'main' : '');
  if (base === '') fail({ reason: 'base-unknown', dir: repo.root });
  await branchTip(repo.root, base);

  const agent = options.agent ?? SCRIPTED;
  // An agent CLI is declared with its type's defaults (its program is the type's name), and
  // checked by its own adapter, as a run will; anything else must be built in.
  const declared = isAgentCli(agent) ? { [agent]: { type: agent } } : undefined;
  resolveAgent({ agents: declared === undefined ? {} : { [agent]: AgentConfig.parse({ type: agent }) } }, agent, repo.root, '--agent').preflight();

  const config = { ...initialConfig(base, agent, declared), ...(options.extra ?? {}) };
  mkdirSync(configDir(repo.root), { recursive: true });
  writeFileSync(file, JSON.stringify(config, null, 2) + '\n');
  const intentFile = join(repo.root, 'INTENT.md');
  const intentCreated = !existsSync(intentFile);
  if (intentCreated) writeFileSync(intentFile, intentTemplate(basename(repo.root)));
  return { root: repo.root, configFile: file, intentFile, intentCreated, base, agent };
}
