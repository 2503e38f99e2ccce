// The definitions that govern runs here: the config and phase overrides as the base branch has
// them committed (definitions/open.ts), valid, and the checkout not differing from them (a run
// would refuse). A problem here is reported as a check, and the rest of the report goes on.
import { describeDefinitionsFailure } from '../definitions/describe.js';
import { openDefinitions, type Definitions } from '../definitions/open.js';
import { assertDefinitionsCommitted } from '../definitions/uncommitted.js';
import { uncommittedNext } from '../definitions/uncommitted-next.js';
import { PhaserunnerError } from '../failures.js';
import { CONFIG_PATH } from '../paths.js';
import { passed, problem, type DefinitionsDetails, type DoctorCheck } from './types.js';

export interface DefinitionsCheck {
  /** Undefined when the base branch is missing: the base check says so, and nothing could be read. */
  readonly check: DoctorCheck | undefined;
  /** The committed definitions, when they could be read (also when the checkout differs from them). */
  readonly defs: Definitions | undefined;
}

export async function checkDefinitions(cwd: string): Promise<DefinitionsCheck> {
  let defs: Definitions;
  try {
    defs = await openDefinitions(cwd, 'act');
  } catch (error) {
    if (!(error instanceof PhaserunnerError)) throw error;
    const f = error.failure;
    const details = (problem: DefinitionsDetails['problem'], files: readonly string[]): DefinitionsDetails => ({ base: null, problem, files });
    switch (f.reason) {
      case 'not-initialized':
        return { defs: undefined, check: problem('definitions', 'fail', `phaserunner is not set up in this repository (${CONFIG_PATH} is neither committed nor in the checkout)`, 'Run `phaserunner init`, then commit .phaserunner/ and INTENT.md.', details('not-initialized', [])) };
      case 'definitions-uncommitted':
        return {
          defs: undefined,
          check: problem('definitions', 'fail', `${f.files.join(', ')} ${f.files.length === 1 ? 'is' : 'are'} in the checkout but not committed on ${f.base}, whose definitions govern every run`, uncommittedNext(f.base, f.files, f.branch), { ...details('uncommitted', f.files), base: f.base }),
        };
      case 'base-missing':
      case 'no-commits':
        return { defs: undefined, check: undefined };
      default: {
        const what = describeDefinitionsFailure(f);
        if (what === undefined) throw error;
        return { defs: undefined, check: problem('definitions', 'fail', `the committed definitions are not valid: ${what}`, 'Correct the file as the message says, and commit it.', details('invalid', [])) };
      }
    }
  }
  const where = `${defs.governing.base} at ${defs.governing.commit?.slice(0, 12) ?? '?'}`;
  const details: DefinitionsDetails = { base: defs.governing.base, problem: null, files: [] };
  try {
    await assertDefinitionsCommitted(defs);
  } catch (error) {
    if (!(error instanceof PhaserunnerError) || error.failure.reason !== 'definitions-uncommitted') throw error;
    const f = error.failure;
    return {
      defs,
      check: problem('definitions', 'fail', `your checkout differs from the definitions committed on ${where} in ${f.files.join(', ')}; a run would refuse until they agree`, uncommittedNext(f.base, f.files, f.branch), { ...details, problem: 'uncommitted', files: f.files }),
    };
  }
  const phases = defs.phases.phases.map((p) => p.def.id);
  return { defs, check: passed('definitions', `committed on ${where}: agent ${defs.config.agent}, phases ${phases.join(', ')}, the checkout agrees`, details) };
}
