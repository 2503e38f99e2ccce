// The python3 the dispatch launcher runs: a shim's (pyenv, asdf) interpreter, asked once per
// process, instead of the shim on every dispatch (0.3-0.5 s each on the benchmark's machine);
// the python3 itself when it is no script; the shim as it is when it cannot say.
import { chmodSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findPython, launcherPython } from '../../src/dispatch/launcher.js';
import { tempDir } from '../helpers/temp.js';

// Linux only (the launcher is), and a python3 to stand behind the shims (CI installs one).
const real = findPython();
const linux = process.platform === 'linux' && real !== undefined;

/** A directory with a `python3` shell script that counts its starts in `starts` and runs `body`. */
function shimDir(body: string): { dir: string; starts: () => number } {
  const dir = tempDir('phaserunner-shim-');
  const count = join(dir, 'starts');
  writeFileSync(count, '');
  writeFileSync(join(dir, 'python3'), `#!/bin/sh\necho x >> '${count}'\n${body}\n`);
  chmodSync(join(dir, 'python3'), 0o755);
  return { dir, starts: () => readFileSync(count, 'utf8').split('\n').filter((l) => l !== '').length };
}

describe.skipIf(!linux)('launcherPython', () => {
  it("is a shim's interpreter, asked once however many dispatches ask", () => {
    const { dir, starts } = shimDir(`exec '${real ?? ''}' "$@"`);
    const env = { PATH: `${dir}:${process.env.PATH ?? ''}` };
    expect(findPython(env)).toBe(join(dir, 'python3'));
    const first = launcherPython(env);
    expect(first).not.toBe(join(dir, 'python3'));
    expect(first?.startsWith('/')).toBe(true);
    expect(readFileSync(first ?? '').subarray(0, 2).toString('latin1')).not.toBe('#!');
    expect(launcherPython(env)).toBe(first);
    expect(launcherPython(env)).toBe(first);
    expect(starts()).toBe(1);
  });

  it('is the shim itself when the shim cannot say (it fails, or names no interpreter)', () => {
    const failing = shimDir('exit 3');
    expect(launcherPython({ PATH: failing.dir })).toBe(join(failing.dir, 'python3'));
    const lying = shimDir("printf 'not/absolute'");
    expect(launcherPython({ PATH: lying.dir })).toBe(join(lying.dir, 'python3'));
  });

  it('is the first python3 on PATH when that is no script, without starting it', () => {
    const env = { PATH: process.env.PATH ?? '' };
    const found = findPython(env);
    if (found !== undefined && readFileSync(found).subarray(0, 2).toString('latin1') !== '#!') expect(launcherPython(env)).toBe(found);
    const binary = '/usr/bin/python3';
    const shimmed = shimDir(`exec '${binary}' "$@"`);
    // Where /usr/bin/python3 comes first, the shim behind it is never asked.
    expect(launcherPython({ PATH: `/usr/bin:${shimmed.dir}` })).toBe(findPython({ PATH: '/usr/bin' }));
    expect(shimmed.starts()).toBe(0);
  });
});
