// The audit judges a merge by the built-in phases of the phaserunner that made it, found by the
// Definitions-Digest it records (src/definitions/retired.ts). That works only while every
// digest a release ever wrote is given by today's built-in phases or a retired set: these tests
// pin them, so that changing what a built-in phase's digest covers (or how the digest is
// computed) fails here, with what to do, instead of in the audits of existing repositories.
import { describe, expect, it } from 'vitest';
import { definitionsDigest } from '../../src/definitions/digest.js';
import { retiredBuiltins } from '../../src/definitions/retired.js';
import { phaseSetFrom, loadPhaseSet } from '../../src/phases/load.js';
import { BUILTIN_PHASES_DIR } from '../../src/paths.js';
import { planningWorkstream } from '../../src/workstream/planning.js';
import type { Workstream } from '../../src/workstream/types.js';

const digests = (workstream: Workstream): string[] => workstream.phaseIds.map((p) => {
  const step = workstream.stepForPhase(p);
  if (step === undefined) throw new Error(`phase ${p}`);
  return definitionsDigest(step);
});

// Without approvals in the config (the digest covers whether a phase needs one).
const SHARED = [
  'sha256:e2e57f4762679eec747a5c57028d51249899a450873d39350198a9cf12fbdbf8',
  'sha256:9a6d93de7d8e8b922c65fc4c972a8c6cc36cce6ad2602e99902caace9f3c1ae1',
  'sha256:0abefcb548a8211e7f2d81d7497c42f355bc35cb48f2954b8bff384c4dc5ca79',
];
/** Phase 4 as this release ships it: the planning-complete gate requires plan version 2. */
const TODAY_4 = 'sha256:2cb9904391cf728ea8db33128b10e6c18cfd8de9bb9ba2b295bb3cd3f262caf9';
/** Phase 4 before plan version 2, as merges of phaserunner up to issue 16 record it (checked against that build). */
const PLAN_V1_4 = 'sha256:3ea5a0b50617656e5a48e3dd5209a0d89cac18b0f58d45ad3987042a7182a1b4';

const WHAT_TO_DO =
  "A built-in phase's Definitions-Digest changed. Merges already made record the old one: copy the built-in phases as they were into phases/retired/<name>/, add the set's digests here, and only then change phases/.";

describe('the built-in phases and the retired sets', () => {
  it("give today's Definitions-Digests", () => {
    expect(digests(planningWorkstream(loadPhaseSet(BUILTIN_PHASES_DIR), [])), WHAT_TO_DO).toEqual([...SHARED, TODAY_4]);
  });

  it('keep every earlier set loadable by this phaserunner, each giving the digests its release wrote', () => {
    const sets = retiredBuiltins();
    expect(sets.map((s) => s.dir.split(/[\\/]/).at(-1))).toEqual(['plan-v1']);
    expect(sets.map((s) => digests(planningWorkstream(phaseSetFrom([s]), []))), WHAT_TO_DO).toEqual([[...SHARED, PLAN_V1_4]]);
  });

  it('has no retired sets where the directory is missing', () => {
    expect(retiredBuiltins('/nonexistent/phaserunner/retired')).toEqual([]);
  });
});
