// The runner's own git in a hostile repository (issue 16): it runs nothing the repository's
// config names, merges only regular files, never runs for ever, and never outlives the runner.
// A `command` agent (a shell script) writes phase 1's legitimate outputs, plus the attack
// where the agent makes it. The programs a config names are real scripts that note in a marker
// file when they run: the marker must stay empty. Config the runner must not act on is planted
// by the test before the run, as a repository's own setup would have it (what an agent writes
// into the shared config during its attempt is the fingerprint's to catch, not this file's).
import { chmodSync, existsSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { which } from '../../src/agents/which.js';
import { auditOf } from '../helpers/audit.js';
import { cli, cliAsync, json } from '../helpers/cli.js';
import { commitFile, git, shellAgentRepo, tempDir } from '../helpers/git.js';
import { isAlive, runsOf, until } from '../helpers/setup.js';
import type { StatusView } from '../../src/runner/status.js';

/** Writes phase 1's outputs (valid for its gate). */
const WRITE_OUTPUTS = `mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md`;

/** A repository whose agent writes phase 1's outputs, after `attempt1` on its first attempt. */
function agentRepo(attempt1 = ':', extra: Record<string, unknown> = {}): string {
  return shellAgentRepo(`#!/bin/sh\nset -e\nif [ "$PHASERUNNER_ATTEMPT" = 1 ]; then\n${attempt1}\nfi\n${WRITE_OUTPUTS}\n`, { stdin: false }, extra);
}

/** A marker file, and programs that append their name and arguments to it when run. */
function markers(): { file: string; ran: () => string; program: (name: string, then?: string) => string } {
  const file = join(tempDir(), 'ran');
  return {
    file,
    ran: () => (existsSync(file) ? readFileSync(file, 'utf8') : ''),
    program: (name, then = 'exit 0') => {
      const path = join(tempDir(), name);
      writeFileSync(path, `#!/bin/sh\necho "${name} $*" >> '${file}'\n${then}\n`);
      chmodSync(path, 0o755);
      return path;
    },
  };
}

const AUDIT_CLEAN = { code: 0, report: expect.objectContaining({ ok: true, findings: [] }) as unknown };

function phaseOne(repo: string): StatusView['phases'][number] | undefined {
  return json<StatusView>(cli(repo, ['status', '--json'])).phases[0];
}

describe("the runner's git in a repository whose config names programs", () => {
  it('runs no core.fsmonitor from .git/config: the phase merges and the command never ran', () => {
    const repo = agentRepo();
    const m = markers();
    git(repo, 'config', 'core.fsmonitor', m.program('fsmonitor'));
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(phaseOne(repo)).toMatchObject({ state: 'done' });
    expect(auditOf(repo)).toEqual(AUDIT_CLEAN);
    expect(m.ran()).toBe('');
  });

  it('runs no fsmonitor or filter that an includeIf gives only the phase branches\' checkouts, and stores the bytes the agent wrote', () => {
    const repo = agentRepo();
    const m = markers();
    const included = join(tempDir(), 'phase-branches.config');
    writeFileSync(
      included,
      [
        '[core]',
        `\tfsmonitor = ${m.program('fsmonitor')}`,
        '[filter "up"]',
        `\tclean = ${m.program('clean', "tr a-z A-Z")}`,
        `\tsmudge = ${m.program('smudge', 'cat')}`,
        '\trequired = true',
        '',
      ].join('\n'),
    );
    git(repo, 'config', 'includeIf.onbranch:phaserunner/**.path', included);
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/** filter=up\n');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(0);
    expect(git(repo, 'show', 'main:planning/architecture.md')).toBe('# A\n\n## Components\n\n### Web');
    expect(auditOf(repo)).toEqual(AUDIT_CLEAN);
    expect(m.ran()).toBe('');
  });

  it('runs no merge driver: a file both sides changed is a conflict for a person, never the driver\'s pick', () => {
    // The agent waits until the test has changed the same file on main.
    const go = join(tempDir(), 'go');
    const repo = shellAgentRepo(
      `#!/bin/sh\nset -e\nwhile [ ! -e '${go}' ]; do sleep 0.1; done\n${WRITE_OUTPUTS}\nprintf '\\nServes pages.\\n' >> planning/architecture.md\n`,
      { stdin: false },
    );
    commitFile(repo, 'planning/architecture.md', '# A\n\n## Components\n\n### Web\n', 'Start the architecture');
    const m = markers();
    // A driver that resolves every merge by taking the phase's version, dropping main's change.
    git(repo, 'config', 'merge.theirs.driver', `${m.program('driver')} && cp %B %A`);
    writeFileSync(join(repo, '.git', 'info', 'attributes'), 'planning/*.md merge=theirs\n');
    const dispatched = cli(repo, ['run']);
    expect(dispatched.code, dispatched.stderr).toBe(0);
    const ours = commitFile(repo, 'planning/architecture.md', '# Architecture\n\n## Components\n\n### Web\n', 'Rename the architecture');
    writeFileSync(go, '');
    const run = cli(repo, ['run', '--wait', '--until', '1']);
    expect(run.code, run.stderr).toBe(2);
    expect(phaseOne(repo)).toMatchObject({ state: 'conflict' });
    expect(git(repo, 'rev-parse', 'main')).toBe(ours);
    expect(m.ran()).toBe('');
  });
});

describe('outputs that are not regular files', () => {
  it('fail the attempt naming each symbolic link (absolute, into .git/config, up out of the checkout), nothing is merged, and the retry merges', () => {
    const repo = agentRepo(`${WRITE_OUTPUTS}
ln -s /etc/hostname planning/adr/0002-absolute.md
ln -s "$(git rev-parse --path-format=absolute --git-common-dir)/config" planning/adr/0003-config.md
ln -s ../../../.. planning/adr/0004-up.md
exit 0`);
    const first = cli(repo, ['run', '--wait', '--until', '1']);
    expect(first.code, first.stderr).toBe(1);
    expect(first.stderr).toContain(
      'attempt 1 failed: the agent wrote outputs that are not regular files: "planning/adr/0002-absolute.md" (a symbolic link), "planning/adr/0003-config.md" (a symbolic link), "planning/adr/0004-up.md" (a symbolic link). Outputs must be regular files: phaserunner stores no symbolic links, submodules or other repositories.',
    );
    expect(git(repo, 'log', '--format=%s', 'main')).not.toContain('planning: merge');
    expect(runsOf(repo)[0]?.step).toBe('failed');
    const retried = cli(repo, ['retry', '1', '--wait', '--until', '1']);
    expect(retried.code, retried.stderr).toBe(0);
    expect(git(repo, 'ls-tree', '-r', 'main', 'planning')).not.toMatch(/^120000/m);
    expect(auditOf(repo)).toEqual(AUDIT_CLEAN);
  });
});

describe("the runner's git and time", () => {
  /**
   * A PATH whose `git` is the real one, except that the runner's `git status` of an agent's
   * checkout hangs (a sleep, in git's place and process group) while `flag` exists, noting its
   * pid in `pids`.
   */
  function slowStatus(): { env: NodeJS.ProcessEnv; flag: string; pids: string } {
    const real = which('git', tempDir());
    if (real === undefined) throw new Error('git is not on PATH');
    const bin = tempDir('phaserunner-bin-');
    const flag = join(tempDir(), 'slow');
    const pids = join(tempDir(), 'pids');
    writeFileSync(flag, '');
    writeFileSync(
      join(bin, 'git'),
      `#!/bin/sh\nif [ "$1" = status ] && [ "$2" = --porcelain=v1 ] && [ -e '${flag}' ]; then echo $$ >> '${pids}'; exec sleep 600; fi\nexec '${real}' "$@"\n`,
    );
    chmodSync(join(bin, 'git'), 0o755);
    return { env: { PATH: `${bin}:${process.env.PATH ?? ''}` }, flag, pids };
  }

  const sleeper = (pids: string): number => Number(readFileSync(pids, 'utf8').trim().split('\n')[0]);

  it('stops a git past timeouts.git_minutes with its process group, and fails the attempt naming the command; the retry works', () => {
    const repo = agentRepo(':', { timeouts: { git_minutes: 0.1 } });
    const slow = slowStatus();
    const run = cli(repo, ['run', '--wait', '--until', '1'], slow.env);
    expect(run.code, run.stderr).toBe(1);
    expect(run.stderr).toContain(
      'attempt 1 failed: phaserunner could not check this attempt: `git status --porcelain=v1 -z --untracked-files=all --no-renames` did not finish within 0.1 min (timeouts.git_minutes) and was stopped.',
    );
    expect(isAlive(sleeper(slow.pids))).toBe(false);
    rmSync(slow.flag);
    const retried = cli(repo, ['retry', '1', '--wait', '--until', '1'], slow.env);
    expect(retried.code, retried.stderr).toBe(0);
    expect(phaseOne(repo)).toMatchObject({ state: 'done', attempts: 2 });
  });

  it('leaves no git of its own running when it is stopped mid-step: the second Ctrl-C ends it, and its git with it', async () => {
    const repo = agentRepo();
    const slow = slowStatus();
    const runner = cliAsync(repo, ['run', '--wait', '--until', '1'], slow.env);
    await until(() => existsSync(slow.pids), 30_000, "the runner's git status");
    const pid = sleeper(slow.pids);
    // The first asks it to finish the step, which waits on that git; the second insists.
    runner.child.kill('SIGINT');
    await new Promise((r) => setTimeout(r, 300));
    expect(isAlive(pid)).toBe(true);
    runner.child.kill('SIGINT');
    const ended = await runner.done;
    expect(ended.code).toBe(130);
    await until(() => !isAlive(pid), 5_000, "the runner's git to be stopped");
    // The next runner takes over and finishes the phase.
    const next = cli(repo, ['run', '--wait', '--until', '1']);
    expect(next.code, next.stderr).toBe(0);
    expect(phaseOne(repo)).toMatchObject({ state: 'done' });
  });
});
