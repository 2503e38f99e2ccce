// `phaserunner doctor [--repair]`: is everything phaserunner needs here in order? git and node
// first (everything else needs them), then what the repository's config names (the agents),
// then the repository's own state. The order is the order of the report, and of what matters
// most: the CLI takes the exit code from the first failing check.
import { listWorktrees } from '../git/worktree.js';
import { openDefinitions } from '../definitions/open.js';
import type { Emit } from '../runner/events.js';
import { checkAgents } from './agents.js';
import { checkBase } from './base.js';
import { checkCheckout } from './checkout.js';
import { checkGit } from './git.js';
import { checkLock } from './lock.js';
import { checkNode } from './node.js';
import { checkSigning } from './signing.js';
import { checkStore } from './store.js';
import { reportOf, type DoctorCheck, type DoctorReport } from './types.js';
import { checkWorktrees } from './worktrees.js';

export async function doctor(cwd: string, repair: boolean, emit: Emit): Promise<DoctorReport> {
  const git = await checkGit();
  const node = checkNode();
  // Without a usable git nothing else can be read, and an old one would mislead the rest.
  if (!git.ok) return reportOf([git, node]);
  // The definitions only (outside a repository, or before init, this fails naming what is
  // missing): the agents are checked here rather than refused, as a run would.
  const v = await openDefinitions(cwd, 'act');
  const root = v.repo.root;
  // The agents' version probes (up to their timeout each) run while the repository is checked.
  const agentChecks = checkAgents(v.config, root);
  const [base, worktrees] = await Promise.all([checkBase(root, v.config.base), listWorktrees(root)]);
  const agents = await agentChecks;
  // A repair rebuilds from the base branch's history, under a runner that resolves the active agent.
  const blocker = base.ok ? agents.find((a) => a.name === 'agent' && a.details.type === null) : base;
  const checks: DoctorCheck[] = [git, node, ...agents, base, await checkStore(cwd, v.state, repair, emit, blocker)];
  if (base.ok) checks.push(checkCheckout(worktrees, v.config.base));
  checks.push(checkWorktrees(root, worktrees, v.state.worktrees), checkLock(v.state.lock));
  checks.push(await checkSigning(root, v.config.identity));
  return reportOf(checks);
}

