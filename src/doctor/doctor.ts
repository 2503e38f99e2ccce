// `phaserunner doctor [--repair]`: is everything phaserunner needs here in order? git and node
// first (everything else needs them), whether an agent's processes can be contained, then the
// repository and the definitions committed on its base branch, the agents those name, then the
// repository's own state (processes of its attempts left running among it). The order is the
// order of the report, and of what matters most: the CLI takes the exit code from the first
// failing check. Doctor runs anywhere: outside a repository it checks what can be checked there
// (git, node, containment, the agent CLIs on PATH), and a problem with the definitions is a
// failed check, after which the other checks still run.
import { DEFAULT_IDENTITY } from '../config/schema.js';
import { findGoverning } from '../definitions/base.js';
import { PhaserunnerError } from '../failures.js';
import { discoverRepo, type RepoPaths } from '../git/repo.js';
import { listWorktrees } from '../git/worktree.js';
import { statePaths } from '../paths.js';
import type { Emit } from '../runner/events.js';
import { checkAgents, checkInstalledClis } from './agents.js';
import { checkBase } from './base.js';
import { checkCheckout } from './checkout.js';
import { checkContainment } from './containment.js';
import { checkDefinitions } from './definitions.js';
import { checkGit } from './git.js';
import { checkLock } from './lock.js';
import { checkNode } from './node.js';
import { repositoryFound, repositoryMissing } from './repository.js';
import { checkSandbox } from './sandbox.js';
import { checkSigning } from './signing.js';
import { checkStore } from './store.js';
import { storeDisagreement } from './store-agrees.js';
import { checkStragglers } from './stragglers.js';
import { reportOf, type DoctorCheck, type DoctorReport } from './types.js';
import { checkWorktrees } from './worktrees.js';

export async function doctor(cwd: string, repair: boolean, emit: Emit): Promise<DoctorReport> {
  const git = await checkGit();
  const node = checkNode();
  // Without a usable git nothing else can be read, and an old one would mislead the rest.
  if (!git.ok) return reportOf([git, node]);
  const containment = await checkContainment(cwd);
  const repo = await repository(cwd);
  if (repo === undefined) return reportOf([git, node, containment, ...(await checkInstalledClis(cwd)), repositoryMissing(cwd)]);
  const root = repo.root;
  const state = statePaths(repo.commonDir);
  const definitions = await checkDefinitions(cwd);
  const config = definitions.defs?.config;
  // The agents' version probes (up to their timeout each) run while the repository is checked.
  const agentChecks = config === undefined ? checkInstalledClis(root) : checkAgents(config, root);
  const base = definitions.defs?.governing.base ?? (await findGoverning(repo, { remote: false })).base;
  const [baseCheck, worktrees] = await Promise.all([checkBase(root, base), listWorktrees(root)]);
  const agents = await agentChecks;
  // A repair rebuilds from the base branch's history, with the committed definitions, under a
  // runner that resolves the active agent: each of those must be in order first.
  const definitionsFailed = definitions.check?.ok === false && definitions.defs === undefined ? definitions.check : undefined;
  const blocker = !baseCheck.ok ? baseCheck : (definitionsFailed ?? agents.find((a) => a.name === 'agent' && a.details.type === null));
  const checks: DoctorCheck[] = [git, node, containment, repositoryFound(root), baseCheck];
  if (definitions.check !== undefined) checks.push(definitions.check);
  const defs = definitions.defs;
  checks.push(...agents, ...(config === undefined ? [] : checkSandbox(config)), await checkStore(cwd, state, repair, emit, blocker, defs === undefined ? undefined : () => storeDisagreement(defs)));
  if (baseCheck.ok) checks.push(checkCheckout(worktrees, base));
  checks.push(checkWorktrees(root, worktrees, state.worktrees), checkLock(state.lock), checkStragglers(state));
  checks.push(await checkSigning(root, config?.identity ?? DEFAULT_IDENTITY));
  return reportOf(checks);
}

/** The repository at `cwd`, or undefined outside one (or in one without a working tree). */
async function repository(cwd: string): Promise<RepoPaths | undefined> {
  try {
    return await discoverRepo(cwd);
  } catch (error) {
    if (error instanceof PhaserunnerError && error.failure.reason === 'not-a-git-repo') return undefined;
    throw error;
  }
}
