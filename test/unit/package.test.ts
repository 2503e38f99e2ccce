// What `npm install` gives a user: a `phaserunner` bin that runs, and the files it needs.
import { readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/git.js';

const pkg = JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { bin: Record<string, string>; files: string[]; allowScripts: Record<string, boolean> };

describe('the package', () => {
  it('exposes a phaserunner bin with a node shebang', () => {
    const bin = pkg.bin['phaserunner'];
    expect(bin).toBe('dist/cli/main.js');
    expect(readFileSync(join(ROOT, bin ?? ''), 'utf8').split('\n')[0]).toBe('#!/usr/bin/env node');
  });

  it("ships the built code, the phases, the schemas, the agents' policy files, the audit findings' meanings (audit's errors name it) and the demo intent", () => {
    expect(pkg.files).toEqual(['dist', 'phases', 'schema', 'agents', 'docs/audit.md', 'fixtures/demo']);
    for (const path of ['dist/dispatch/wrapper.js', 'dist/scripted-agent/main.js', 'phases/1-architecture-baseline.json', 'schema/config.schema.json', 'schema/tasks.schema.json', 'agents/gemini-policy.toml', 'docs/audit.md', 'fixtures/demo/INTENT.md']) {
      expect(statSync(join(ROOT, path)).isFile()).toBe(true);
    }
  });

  it('approves better-sqlite3\'s install script, so a fresh `npm ci` builds it', () => {
    expect(pkg.allowScripts['better-sqlite3']).toBe(true);
  });
});
