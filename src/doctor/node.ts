// node: the one running phaserunner, against the minimum package.json declares ("engines"),
// so the check and the install requirement cannot drift apart.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { compareVersions } from '../git/repo.js';
import { PACKAGE_ROOT } from '../paths.js';
import { passed, problem, type DoctorCheck } from './types.js';

export function checkNode(version: string = process.versions.node): DoctorCheck {
  const required = requiredNode();
  const details = { version: `v${version}`, required };
  if (required === null) return passed('node', `node v${version} (package.json declares no minimum)`, details);
  if (compareVersions(version, required) < 0) {
    return problem('node', 'fail', `node v${version} is older than ${required}, which phaserunner needs`, `Install Node.js ${required} or newer (https://nodejs.org, or a version manager such as nvm: \`nvm install 22\`).`, details);
  }
  return passed('node', `node v${version}, at least ${required}`, details);
}

/** The minimum of package.json's `engines.node` (">=20.19" → "20.19"), or null when it has none. */
function requiredNode(): string | null {
  try {
    const pkg = JSON.parse(readFileSync(join(PACKAGE_ROOT, 'package.json'), 'utf8')) as { engines?: { node?: unknown } };
    const range = pkg.engines?.node;
    return typeof range === 'string' ? (/>=\s*v?(\d+(?:\.\d+){0,2})/.exec(range)?.[1] ?? null) : null;
  } catch {
    return null;
  }
}
