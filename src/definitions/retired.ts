// The built-in phases of earlier phaserunners, kept so that the audit judges a merge by the
// definitions that governed it (its Definitions-Digest names them), not by this release's.
// Each directory under phases/retired/ is a whole set of built-in definitions as a release
// shipped it: plan-v1 is the set from before the planning-complete gate required plan version 2.
// A change to a built-in phase's name, role, outputs, approval or gate checks (what
// Definitions-Digest covers, src/definitions/digest.ts) adds the set it replaces here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { RETIRED_PHASES_DIR } from '../paths.js';
import { readJsonDir, type SourceDir } from '../util/sources.js';

/**
 * Every retired set, by name. Their order does not change a verdict: two sets that give a
 * merge's digest say the same of its phase (the digest covers all the audit judges it by).
 */
export function retiredBuiltins(dir = RETIRED_PHASES_DIR): SourceDir[] {
  let names: string[];
  try {
    names = readdirSync(dir, { withFileTypes: true }).filter((e) => e.isDirectory()).map((e) => e.name);
  } catch {
    // A package without retired sets: there is nothing older to judge by.
    return [];
  }
  return names.sort().map((name) => readJsonDir(join(dir, name)));
}
