// A PATH holding only fake agent CLIs (shell scripts) and the real git: which agent CLIs
// "are installed" is then up to the test, whatever the machine running it has.
import { chmodSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { which } from '../../src/agents/which.js';
import { tempDir } from './git.js';

/** A directory with `git` (the real one, linked) and one executable shell script per entry. */
export function fakeBin(scripts: Record<string, string> = {}, { git = true }: { git?: boolean } = {}): string {
  const dir = tempDir('phaserunner-bin-');
  if (git) {
    const real = which('git', dir);
    if (real === undefined) throw new Error('git is not on PATH');
    symlinkSync(real, join(dir, 'git'));
  }
  for (const [name, body] of Object.entries(scripts)) {
    writeFileSync(join(dir, name), `#!/bin/sh\n${body}\n`);
    chmodSync(join(dir, name), 0o755);
  }
  return dir;
}

/** A program that prints `line` for --version. */
export const printsVersion = (line: string): string => `printf '%s\\n' '${line}'`;
