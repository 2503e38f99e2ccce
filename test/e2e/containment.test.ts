// An agent that reaches past its checkout: into the git directory it shares with the user
// (config, includes, hooks, attributes, refs, notes), phaserunner's state (the store, other
// runs, the definitions cache) or the user's own checkout. Each attempt writes the phase's
// legitimate outputs plus one attack; each ends failed, naming what changed, with what is
// git's or phaserunner's own put back (nothing left armed: the planted command's marker stays
// empty), and the retry (a well-behaved second attempt) merges with `audit` clean.
import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { commitFile, git, shellAgentRepo, tempDir, writeFile } from '../helpers/git.js';
import { runsOf } from '../helpers/setup.js';
import { readStore } from '../helpers/store.js';
import type { StatusView } from '../../src/runner/status.js';

/** Writes phase 1's outputs (valid for its gate). */
const WRITE_OUTPUTS = `mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md`;

/** Shell variables for the attack: C the shared git directory, U the user's checkout, R the run directory. */
const WHERE = `C=$(git rev-parse --path-format=absolute --git-common-dir)
U=$(dirname "$C")
R=$(dirname "$PHASERUNNER_PROMPT_FILE")`;

/** A repository whose agent does its work and, on its first attempt only, `attack`. */
function attacking(attack: string): string {
  return shellAgentRepo(`#!/bin/sh\nset -e\n${WRITE_OUTPUTS}\nif [ "$PHASERUNNER_ATTEMPT" = 1 ]; then\n${WHERE}\n${attack}\nfi\n`, { stdin: false });
}

/** A file a planted command would append to, and that command. */
function marker(): { file: string; command: string } {
  const file = join(tempDir(), 'ran');
  return { file, command: `sh -c 'echo ran >> ${file}'` };
}

function firstAttemptFails(repo: string, reason: RegExp): string {
  const first = cli(repo, ['run', '--wait', '--until', '1']);
  // Everything there is to know when it did not fail: what the run said, and what the store recorded.
  expect(first.code, `${first.stdout}\n${first.stderr}\n${JSON.stringify(readStore(repo, 'SELECT run_id, taken_at, tampered FROM fingerprints'))}`).toBe(1);
  expect(first.stderr).toMatch(/the agent changed things outside its checkout while it ran/);
  expect(first.stderr).toMatch(reason);
  expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]).toMatchObject({ state: 'failed' });
  return first.stderr;
}

function retryMergesAndAudits(repo: string): void {
  const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
  expect(retried.code, retried.stderr).toBe(0);
  expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]).toMatchObject({ state: 'done', attempts: 2 });
  const audit = cli(repo, ['audit']);
  expect(audit.code, audit.stdout + audit.stderr).toBe(0);
}

/** What the agent's versions of put-back files were kept as, by original path. */
function keptVersions(repo: string): Record<string, string> {
  const dir = join(runsOf(repo)[0]?.run_dir ?? '', 'tampered');
  const index = join(dir, 'index.json');
  return existsSync(index) ? (JSON.parse(readFileSync(index, 'utf8')) as Record<string, string>) : {};
}

describe('an agent that changes the shared git directory', () => {
  it('arms core.fsmonitor in .git/config and through an included file: the attempt fails, both are put back, the monitor never runs', () => {
    const mark = marker();
    const repo = attacking(`git config --file "$C/config" core.fsmonitor "${mark.command}"
printf '[core]\\n\\tfsmonitor = ${mark.command.replace(/'/g, "'\\''")}\\n' > "$C/evil.inc"
git config --file "$C/config" include.path "$C/evil.inc"`);
    const config = readFileSync(join(repo, '.git', 'config'), 'utf8');
    firstAttemptFails(repo, /\.git\/config changed/);
    expect(readFileSync(join(repo, '.git', 'config'), 'utf8')).toBe(config);
    expect(existsSync(join(repo, '.git', 'evil.inc'))).toBe(false);
    // The agent's version is kept where git never reads it, not thrown away.
    const kept = keptVersions(repo)[join(repo, '.git', 'config')];
    expect(kept).toBeDefined();
    expect(readFileSync(kept ?? '', 'utf8')).toContain('fsmonitor');
    // The user's git runs no monitor either: the config is the user's again.
    git(repo, 'status');
    expect(existsSync(mark.file)).toBe(false);
    retryMergesAndAudits(repo);
    expect(existsSync(mark.file)).toBe(false);
  });

  it('plants a hook: the attempt fails and the hook is gone before the user\'s git could run it', () => {
    const mark = marker();
    const repo = attacking(`printf '#!/bin/sh\\n${mark.command}\\n' > "$C/hooks/post-commit"\nchmod +x "$C/hooks/post-commit"`);
    firstAttemptFails(repo, /\.git\/hooks\/post-commit created/);
    expect(existsSync(join(repo, '.git', 'hooks', 'post-commit'))).toBe(false);
    git(repo, '-c', 'user.name=U', '-c', 'user.email=u@example.com', 'commit', '--quiet', '--allow-empty', '-m', 'the user commits');
    expect(existsSync(mark.file)).toBe(false);
    retryMergesAndAudits(repo);
  });

  it('names a clean filter for every file in info/attributes: the attempt fails, both are put back, the filter never runs', () => {
    const mark = marker();
    const repo = attacking(`echo '* filter=evil' >> "$C/info/attributes"\ngit config --file "$C/config" filter.evil.clean "${mark.command}; cat"`);
    firstAttemptFails(repo, /\.git\/info\/attributes created/);
    expect(existsSync(join(repo, '.git', 'info', 'attributes'))).toBe(false);
    expect(() => git(repo, 'config', '--get', 'filter.evil.clean')).toThrow();
    retryMergesAndAudits(repo);
    expect(existsSync(mark.file)).toBe(false);
  });

  it('writes a commit straight into refs/heads/main: the attempt fails naming it, nothing is merged on top, and the user decides', () => {
    const repo = attacking(`evil=$(git -c user.name=A -c user.email=a@example.com commit-tree "HEAD^{tree}" -p HEAD -m evil)\necho "$evil" > "$C/refs/heads/main"`);
    const main = git(repo, 'rev-parse', 'main');
    const stderr = firstAttemptFails(repo, /refs\/heads\/main moved from [0-9a-f]{12} to [0-9a-f]{12}/);
    // A branch may be the user's own commit: reported, with how to undo it, not reset.
    expect(stderr).toMatch(/Not undone, because phaserunner cannot tell your own changes from the agent's/);
    const planted = git(repo, 'rev-parse', 'main');
    expect(planted).not.toBe(main);
    expect(git(repo, 'rev-list', '--count', `${main}..main`)).toBe('1');
    git(repo, 'update-ref', 'refs/heads/main', main, planted);
    retryMergesAndAudits(repo);
    expect(git(repo, 'rev-list', '--first-parent', 'main')).not.toContain(planted);
  });

  it('writes git notes with hooks off: the attempt fails naming the notes ref', () => {
    const repo = attacking(`git -c core.hooksPath=/dev/null notes add -m 'Approved-By: Mallory' HEAD`);
    firstAttemptFails(repo, /refs\/notes\/commits created/);
    git(repo, 'update-ref', '-d', 'refs/notes/commits');
    retryMergesAndAudits(repo);
  });
});

describe('an agent that changes phaserunner\'s state', () => {
  it('inserts an approval row into the store: the attempt fails naming it', () => {
    const repo = attacking(`python3 - "$C/phaserunner/state.db" <<'EOF'
import sqlite3, sys
db = sqlite3.connect(sys.argv[1])
db.execute("INSERT INTO approvals (workstream, step_id, run_id, decision, by, commit_sha, digest, at) SELECT 'planning', '1', run_id, 'approved', 'Ada Lovelace', base_sha, 'sha256:0', '2026-01-01T00:00:00Z' FROM runs LIMIT 1")
db.commit()
EOF`);
    firstAttemptFails(repo, /approval row 1 written into the store/);
    expect(readStore<{ by: string }>(repo, 'SELECT by FROM approvals')).toEqual([{ by: 'Ada Lovelace' }]);
    retryMergesAndAudits(repo);
  });

  it('plants another run\'s directory: the attempt fails and it is removed', () => {
    const repo = attacking(`mkdir -p "$R/../01FORGED"\necho '{"exit_code":0}' > "$R/../01FORGED/exit.json"`);
    firstAttemptFails(repo, /01FORGED\/exit\.json created/);
    const runDir = runsOf(repo)[0]?.run_dir ?? '';
    expect(existsSync(join(runDir, '..', '01FORGED', 'exit.json'))).toBe(false);
    retryMergesAndAudits(repo);
  });

  // Once a CI flake: dispatch.json said which launch was current, and the agent's '{}' made a
  // launch the runner had retired look current again, so the runner relaunched and took a
  // fresh fingerprint after the agent's changes. The store keeps the launch now.
  it('edits its own dispatch.json: the attempt fails and the file is put back', () => {
    const repo = attacking(`echo '{}' > "$R/dispatch.json"`);
    firstAttemptFails(repo, /dispatch\.json changed/);
    const runDir = runsOf(repo)[0]?.run_dir ?? '';
    expect(JSON.parse(readFileSync(join(runDir, 'dispatch.json'), 'utf8'))).toHaveProperty('argv');
    retryMergesAndAudits(repo);
  });

  it('poisons the definitions cache: the cache is dropped, never read, and the attempt is judged as usual', () => {
    const repo = attacking(`echo '{"key":"x","config":{},"configured":true,"phases":[],"gates":[]}' > "$C/phaserunner/definitions.cache.json"`);
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    const cache = join(repo, '.git', 'phaserunner', 'definitions.cache.json');
    if (existsSync(cache)) expect(readFileSync(cache, 'utf8')).not.toContain('"key":"x"');
    expect(json<StatusView>(cli(repo, ['status', '--json'])).phases).toHaveLength(4);
  });
});

describe('an agent that changes the user\'s checkout', () => {
  it('edits a tracked file and hides the edit with skip-worktree: the attempt fails naming the flag', () => {
    const repo = attacking(`echo 'injected' >> "$U/INTENT.md"\ngit -C "$U" update-index --skip-worktree INTENT.md`);
    firstAttemptFails(repo, /INTENT\.md in your checkout had its skip-worktree\/assume-unchanged flag changed/);
    git(repo, 'update-index', '--no-skip-worktree', 'INTENT.md');
    git(repo, 'checkout', '--', 'INTENT.md');
    retryMergesAndAudits(repo);
  });

  it('plants an .envrc hidden by info/exclude: the attempt fails, the ignore rule is put back, and git shows the file', () => {
    const repo = attacking(`echo 'export EVIL=1' > "$U/.envrc"\necho .envrc >> "$C/info/exclude"`);
    const exclude = readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8');
    firstAttemptFails(repo, /\.git\/info\/exclude changed/);
    expect(readFileSync(join(repo, '.git', 'info', 'exclude'), 'utf8')).toBe(exclude);
    expect(git(repo, 'status', '--porcelain')).toContain('?? .envrc');
  });
});

describe('the user working while an agent runs', () => {
  it('commits on the base and edits a file: reported, not the agent\'s failure, and the merge goes on top', () => {
    const repo = attacking('sleep 3');
    const started = cli(repo, ['run', '--until', '1']);
    expect(started.code, started.stderr).toBe(0);
    const mine = commitFile(repo, 'NOTES.md', '# Mine\n', 'The user commits meanwhile');
    writeFile(repo, 'scratch.txt', 'an editor\'s work\n');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(run.stdout + run.stderr).toMatch(/while the agent ran, this changed outside its checkout .*refs\/heads\/main moved from [0-9a-f]{12} to [0-9a-f]{12}.*scratch\.txt in your checkout changed/);
    expect(git(repo, 'rev-list', '--first-parent', 'main')).toContain(mine);
    expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]).toMatchObject({ state: 'done', attempts: 1 });
  });
});

describe('an agent that stays inside its checkout', () => {
  it('passes, and leaves no trace of the comparison', () => {
    const repo = attacking('true');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    const runDir = runsOf(repo)[0]?.run_dir ?? '';
    expect(readdirSync(runDir)).not.toContain('tampered');
    expect(readStore<{ tampered: string | null }>(repo, 'SELECT tampered FROM fingerprints')).toEqual([{ tampered: null }]);
  });
});
