// commit.gpgsign: phaserunner signs its phase and merge commits as the user's own git would
// (here with an SSH key, gpg.format=ssh), refuses to start when git cannot sign, and when
// signing stops working half-way commits nothing until it works again.
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, shellAgentRepo, tempDir, usersOwnState } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

interface Check {
  name: string;
  level: string;
  message: string;
  fix: string | null;
  details: Record<string, unknown>;
}

/** A passphrase-less SSH key, and an allowed-signers file that trusts it for any identity. */
function sshKey(): { key: string; allowedSigners: string } {
  const dir = tempDir('phaserunner-key-');
  const key = join(dir, 'key');
  execFileSync('ssh-keygen', ['-q', '-t', 'ed25519', '-N', '', '-C', 'phaserunner-test', '-f', key]);
  const [type, blob] = readFileSync(`${key}.pub`, 'utf8').trim().split(' ');
  const allowedSigners = join(dir, 'allowed_signers');
  writeFileSync(allowedSigners, `* ${type ?? ''} ${blob ?? ''}\n`);
  return { key, allowedSigners };
}

/** Turns signing on in the repository's config, as a user who signs their commits has it. */
function signWith(repo: string, key: string, allowedSigners: string): void {
  git(repo, 'config', 'gpg.format', 'ssh');
  git(repo, 'config', 'user.signingkey', key);
  git(repo, 'config', 'gpg.ssh.allowedSignersFile', allowedSigners);
  git(repo, 'config', 'commit.gpgsign', 'true');
}

/** Each commit with git's verdict on its signature: G good, N none, B bad, E cannot check. */
function signatures(repo: string, range: string): string[] {
  return git(repo, 'log', '--format=%G? %s', range).split('\n');
}

function signingCheck(repo: string): { code: number | null; check: Check | undefined } {
  const result = cli(repo, ['doctor', '--json']);
  return { code: result.code, check: json<{ checks: Check[] }>(result).checks.find((c) => c.name === 'signing') };
}

describe('commit.gpgsign', () => {
  it('off: doctor says phaserunner does not sign either, and its commits are not signed', () => {
    const repo = scriptedRepo();
    expect(signingCheck(repo).check).toMatchObject({ level: 'ok', message: 'commit.gpgsign is off, so phaserunner does not sign its commits either', details: { enabled: false } });
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    expect(signatures(repo, 'main~1..main')).toEqual([
      'N planning: merge phase 1 architecture-baseline into main',
      'N planning: phase 1 architecture-baseline (attempt 1)',
    ]);
  });

  it('on: every phase commit and merge is signed with the configured key', () => {
    const repo = scriptedRepo();
    const { key, allowedSigners } = sshKey();
    signWith(repo, key, allowedSigners);
    const base = git(repo, 'rev-parse', 'main');
    expect(signingCheck(repo)).toMatchObject({
      code: 0,
      check: { level: 'ok', message: 'commit.gpgsign is on: phaserunner signs its phase and merge commits, and a test signature worked', details: { enabled: true, error: null } },
    });

    const result = cli(repo, ['run', '--wait']);
    expect(result.code, result.stderr).toBe(0);
    const signed = signatures(repo, `${base}..main`);
    expect(signed).toHaveLength(8);
    expect(signed.filter((line) => !line.startsWith('G '))).toEqual([]);
    for (const merge of git(repo, 'rev-list', '--merges', `${base}..main`).split('\n')) git(repo, 'verify-commit', merge);
    const audit = cli(repo, ['audit']);
    expect(audit.code, audit.stdout).toBe(0);
  });

  it('on, but git cannot sign: run refuses to start, changes nothing, and says what to do', () => {
    const repo = scriptedRepo();
    const { key, allowedSigners } = sshKey();
    signWith(repo, `${key}.missing`, allowedSigners);
    const before = usersOwnState(repo);
    const objects = git(repo, 'count-objects', '-v');

    const refused = cli(repo, ['run', '--wait']);
    expect(refused.code).toBe(78);
    expect(refused.stderr).toContain('commit.gpgsign is on, so phaserunner signs its commits, but git could not sign:');
    expect(refused.stderr).toContain(`${key}.missing`);
    expect(refused.stderr).toMatch(/^Next: Make `git commit-tree -S` sign in this repository: set user.signingkey/m);
    expect(usersOwnState(repo)).toEqual(before);
    expect(git(repo, 'for-each-ref', 'refs/heads/phaserunner/')).toBe('');
    expect(existsSync(join(repo, '.git', 'phaserunner', 'state.db'))).toBe(false);
    const doctor = signingCheck(repo);
    expect(doctor.code).toBe(78);
    expect(doctor.check).toMatchObject({ level: 'fail', details: { enabled: true } });
    expect(doctor.check?.message).toMatch(/^commit\.gpgsign is on, so phaserunner signs its phase and merge commits, but git cannot sign them \(.*key\.missing.*\); no phase can be committed$/);
    expect(usersOwnState(repo)).toEqual(before);
    // Neither signing check left its throwaway commit in the repository.
    expect(git(repo, 'count-objects', '-v')).toBe(objects);

    git(repo, 'config', 'user.signingkey', key);
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    expect(signatures(repo, 'main~1..main').every((line) => line.startsWith('G '))).toBe(true);
  });

  it('stops before committing when signing stops working while the agent runs, then commits the same attempt once it works', () => {
    const { key, allowedSigners } = sshKey();
    // The agent takes the key away (as an expired passphrase cache would) and does its work.
    const repo = shellAgentRepo(
      `#!/bin/sh
set -e
mv ${key} ${key}.away
mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md
`,
      { stdin: false },
    );
    signWith(repo, key, allowedSigners);
    const base = git(repo, 'rev-parse', 'main');
    const before = usersOwnState(repo);

    const stopped = cli(repo, ['run', '--wait', '--until', '1']);
    expect(stopped.code).toBe(78);
    expect(stopped.stderr).toContain('commit.gpgsign is on, so phaserunner signs its commits, but git could not sign:');
    expect(stopped.stderr).toContain('Nothing was committed; once signing works, phaserunner goes on from where it stopped.');
    // Nothing committed, nothing failed: the attempt waits to be committed.
    expect(usersOwnState(repo)).toEqual(before);
    expect(git(repo, 'rev-parse', 'refs/heads/phaserunner/planning/1-architecture-baseline')).toBe(base);
    expect(runsOf(repo).map((r) => [r.attempt, r.step, r.failure])).toEqual([[1, 'dispatched', null]]);

    renameSync(`${key}.away`, key);
    const resumed = cli(repo, ['run', '--wait', '--until', '1']);
    expect(resumed.code, resumed.stderr).toBe(0);
    expect(resumed.stdout).not.toContain('dispatched attempt');
    expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]).toMatchObject({ state: 'done', attempts: 1 });
    expect(signatures(repo, `${base}..main`)).toEqual([
      'G planning: merge phase 1 architecture-baseline into main',
      'G planning: phase 1 architecture-baseline (attempt 1)',
    ]);
  });
});
