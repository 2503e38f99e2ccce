// Everything one runner invocation works with. Validation runs first, in a fixed order so
// the most fundamental problem is reported first (repository, commits, config, phases, git
// version, agent, base branch, commit signing), and it has no side effects: bad input changes nothing.
import { mkdirSync } from 'node:fs';
import type { AgentAdapter } from '../agents/types.js';
import { resolveAgent } from '../agents/registry.js';
import { setGitTimeout } from '../git/exec.js';
import { assertGitVersion } from '../git/repo.js';
import { assertCanSign, signingWanted } from '../git/signing.js';
import { isShallow } from '../git/shallow.js';
import { fail } from '../failures.js';
import { configFile } from '../paths.js';
import { openDefinitions, saveDefinitions, type Definitions } from '../definitions/open.js';
import { assertDefinitionsCommitted } from '../definitions/uncommitted.js';
import { openStore } from './store-open.js';
import { Store } from '../store/store.js';
import { controllerFor, planningOf } from '../workstream/registry.js';
import type { Workstream, WorkstreamController } from '../workstream/types.js';
import type { Emit } from './events.js';
import { phaseStep } from '../workstream/step-id.js';

export interface Validated extends Definitions {
  readonly workstream: Workstream;
  readonly agent: AgentAdapter;
  /** Sign the phase and merge commits: commit.gpgsign is on (git/signing.ts). */
  readonly signCommits: boolean;
}

export interface Runner extends Validated {
  readonly controller: WorkstreamController;
  readonly store: Store;
  readonly emit: Emit;
}

/**
 * Everything a mutating verb needs to be true before it touches anything. `preflight` false:
 * the verb starts no agent (doctor --repair), so neither the agent's program nor a checkout
 * that differs from the committed definitions stands in its way.
 */
export async function validateForRun(cwd: string, { preflight = true }: { readonly preflight?: boolean | undefined } = {}): Promise<Validated> {
  const defs = await openDefinitions(cwd, 'act');
  setGitTimeout(defs.config.timeouts.git_minutes);
  // The store is rebuilt from the base's history, and merges need their merge bases: both need
  // all of it.
  if (isShallow(defs.repo.commonDir)) fail({ reason: 'shallow-clone', dir: defs.repo.root });
  await assertGitVersion(defs.repo.root);
  const agent = resolveAgent(defs.config, defs.config.agent, defs.repo.root, `"agent" in ${configFile(defs.repo.root)}`);
  if (preflight) {
    await assertDefinitionsCommitted(defs);
    agent.preflight();
  }
  // Signing is checked before anything starts: an agent's work must not wait on a key that
  // cannot sign (it would be committed once signing works, but nobody should find out then).
  const signCommits = await signingWanted(defs.repo.root);
  if (preflight && signCommits) await assertCanSign(defs.repo.root, defs.config.identity);
  return { ...defs, workstream: planningOf(defs), agent, signCommits };
}

/** Opens the store for a validated repository; call with the runner lock held. */
export function openRunner(v: Validated, emit: Emit): Runner {
  mkdirSync(v.state.runs, { recursive: true });
  mkdirSync(v.state.worktrees, { recursive: true });
  saveDefinitions(v);
  const store = new Store(openStore(v.state.db));
  store.ensureWorkstream(
    v.workstream.name,
    v.config.base,
    v.phases.phases.map((p) => ({ step_id: phaseStep(p.def.id), name: p.def.name, role: p.def.role })),
  );
  return { ...v, controller: controllerFor(v.workstream), store, emit };
}

