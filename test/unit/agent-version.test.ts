// Asking an agent CLI for its version: the number from the first line of stdout, and every
// way that can fail reported, within the timeout, without waiting on stdin.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { probeVersion, versionIn } from '../../src/agent-cli/version.js';
import { fakeBin } from '../helpers/fake-bin.js';
import { tempDir } from '../helpers/git.js';
import { isAlive } from '../helpers/setup.js';

describe('versionIn', () => {
  it('takes the version number from what each CLI prints, or the whole line when there is none', () => {
    expect(versionIn('2.1.328 (Claude Code)')).toBe('2.1.328');
    expect(versionIn('codex-cli 0.46.0')).toBe('0.46.0');
    expect(versionIn('aider 0.86.1')).toBe('0.86.1');
    expect(versionIn('0.10.0-preview.2')).toBe('0.10.0-preview.2');
    expect(versionIn('nightly build')).toBe('nightly build');
  });
});

describe('probeVersion', () => {
  const bin = fakeBin(
    {
      blank: 'echo\necho "  codex-cli 0.46.0  "\necho second line',
      failing: 'echo "not logged in" >&2\nexit 2',
      silent: 'exit 0',
      stdin: 'read line\necho "1.2.3 $line"',
      // Its child keeps stdout open: only killing the whole group ends it.
      hangs: 'sleep 30 &\necho $! > "${0%/*}/child.pid"\nwait',
    },
    { git: false },
  );
  const cwd = tempDir();

  it('reads the first non-empty line of stdout, trimmed', async () => {
    expect(await probeVersion(join(bin, 'blank'), cwd)).toEqual({ version: '0.46.0', error: null });
  });

  it('gives the CLI nothing on stdin, so one that reads it does not wait', async () => {
    expect(await probeVersion(join(bin, 'stdin'), cwd)).toEqual({ version: '1.2.3', error: null });
  });

  it('reports a failing, silent or missing program', async () => {
    expect(await probeVersion(join(bin, 'failing'), cwd)).toEqual({ version: null, error: '`--version` exited 2: not logged in' });
    expect(await probeVersion(join(bin, 'silent'), cwd)).toEqual({ version: null, error: '`--version` printed nothing' });
    const missing = await probeVersion(join(bin, 'missing'), cwd);
    expect(missing.version).toBeNull();
    expect(missing.error).toMatch(/^it could not be started: spawn .*missing ENOENT$/);
  });

  it('gives up after the timeout and kills what the program started', async () => {
    expect(await probeVersion(join(bin, 'hangs'), cwd, 500)).toEqual({ version: null, error: '`--version` did not finish within 0.5 s' });
    const child = Number(readFileSync(join(bin, 'child.pid'), 'utf8'));
    // SIGKILL went to the whole group, the program's child too.
    await expect.poll(() => isAlive(child), { timeout: 5_000 }).toBe(false);
  });
});
