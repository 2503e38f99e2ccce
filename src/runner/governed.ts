// The workstream a run is governed by: the definitions committed at its base commit, where it
// was dispatched. Usually that is the base's tip, whose definitions the runner already has; a
// run dispatched before the definitions changed on the base keeps the ones it started under.
import type { Config } from '../config/schema.js';
import { CommittedDefinitions } from '../definitions/at-commit.js';
import { PhaserunnerError } from '../failures.js';
import type { RunRow } from '../store/store.js';
import { planningOf } from '../workstream/registry.js';
import type { Workstream } from '../workstream/types.js';
import type { Runner } from './context.js';

/** What limitsOf needs of a runner: the execution runner passes a context of its own. */
export type GoverningContext = Pick<Runner, 'repo' | 'config' | 'governing'>;

const loaders = new WeakMap<GoverningContext, CommittedDefinitions>();

export async function workstreamOf(r: Runner, run: Pick<RunRow, 'base_sha'>): Promise<Workstream> {
  if (run.base_sha === r.governing.commit) return r.workstream;
  try {
    const defs = await loaderOf(r).at(run.base_sha);
    return planningOf(defs);
  } catch (error) {
    // They validated when the run was dispatched; if they no longer do (a newer phaserunner
    // reads them more strictly, or the commit is gone), today's definitions are the best there is.
    if (error instanceof PhaserunnerError) return r.workstream;
    throw error;
  }
}

/** The limits a run is governed by: those of the config at its base commit, as workstreamOf. */
export async function limitsOf(r: GoverningContext, run: Pick<RunRow, 'base_sha'>): Promise<Config['limits']> {
  if (run.base_sha === r.governing.commit) return r.config.limits;
  try {
    return (await loaderOf(r).at(run.base_sha)).config.limits;
  } catch (error) {
    if (error instanceof PhaserunnerError) return r.config.limits;
    throw error;
  }
}

function loaderOf(r: GoverningContext): CommittedDefinitions {
  let loader = loaders.get(r);
  if (loader === undefined) {
    loader = new CommittedDefinitions(r.repo.root, r.config.base);
    loaders.set(r, loader);
  }
  return loader;
}
