// docs/audit.md lists every finding code with its meaning; the table and FINDING_CODES must
// say the same, or scripts matching on codes are told something the audit does not do.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FINDING_CODES } from '../../src/audit/findings.js';
import { ROOT } from '../helpers/git.js';

describe('docs/audit.md', () => {
  it('has one row per finding code, with the meaning the code carries', () => {
    const rows = readFileSync(join(ROOT, 'docs', 'audit.md'), 'utf8')
      .split('\n')
      .map((line) => /^\| `([a-z-]+)` \| (.+) \|$/.exec(line))
      .filter((m): m is RegExpExecArray => m !== null)
      .map((m) => [m[1], m[2]]);
    expect(Object.fromEntries(rows)).toEqual(FINDING_CODES);
    expect(rows).toHaveLength(Object.keys(FINDING_CODES).length);
  });
});
