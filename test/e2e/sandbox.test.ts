// The opt-in bubblewrap sandbox of a command agent (`"sandbox": "bubblewrap"`): the agent
// writes its phase's outputs and tries what an agent must not do, recording what happened
// into them; the phase passes on its legitimate work and every attempt outside is refused.
// bwrap (Debian's bubblewrap) must be installed: .ci/run installs it.
import { readdirSync, readFileSync, existsSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { testEnv } from '../helpers/env.js';
import { fakeBin } from '../helpers/fake-bin.js';
import { git, shellAgentRepo } from '../helpers/git.js';
import { runsOf, until } from '../helpers/setup.js';
import { which } from '../../src/agents/which.js';
import type { StatusView } from '../../src/runner/status.js';

const SANDBOX = { stdin: false, sandbox: 'bubblewrap' } as const;

/** Writes phase 1's outputs, each of its attempts outside them noted as "done" or "refused". */
const AGENT = `#!/bin/sh
common=$(git rev-parse --path-format=absolute --git-common-dir)
main=$(dirname "$common")
try() { if (eval "$2") >/dev/null 2>&1; then echo "- $1: done"; else echo "- $1: refused"; fi; }
mkdir -p planning/adr
{
  echo "# Architecture"
  echo
  echo "## Components"
  echo
  try "write in the user's checkout" 'echo pwned > "$main/MARKER"'
  try "write in HOME" 'echo pwned > "$HOME/MARKER"'
  try "write the shared git config" 'printf "[alias]\\\\n  st = !touch $main/PWNED\\\\n" >> "$common/config"'
  try "read the store" 'cat "$common/phaserunner/state.db"'
  try "see its work with git status" 'git status --porcelain | grep -q planning/'
  try "commit with its own git" 'git add planning && git commit -q -m "agent commit"'
  try "read its prompt" 'grep -q "Architecture baseline" "$PHASERUNNER_PROMPT_FILE"'
  try "write its private /tmp" 'test "$TMPDIR" = /tmp && echo scratch > /tmp/scratch && cat /tmp/scratch'
  echo "- its pid: $$"
} > planning/architecture.md
printf '# 0001. Use sh\\n\\n## Decision\\n\\nUse sh.\\n' > planning/adr/0001-use-sh.md
# Left running: it dies with the sandbox's pid namespace.
setsid sleep 3117 &
`;

/** Whether any process on the machine runs `sleep <seconds>` (a token unique to a test). */
function sleeping(seconds: number): boolean {
  for (const pid of readdirSync('/proc').filter((p) => /^\d+$/.test(p))) {
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, 'utf8') === `sleep\0${seconds}\0`) return true;
    } catch {
      // Gone meanwhile.
    }
  }
  return false;
}

/** A directory holding a fake `bwrap` (plus the real git), put first on PATH. */
function withBwrap(script: string): NodeJS.ProcessEnv {
  return { PATH: `${fakeBin({ bwrap: script })}:${testEnv()['PATH'] ?? ''}` };
}

describe('a command agent in the bubblewrap sandbox', () => {
  it('writes its outputs and the phase passes; it cannot write outside its checkout, read the store or commit, and leaves nothing running', async () => {
    const repo = shellAgentRepo(AGENT, SANDBOX);
    const config = readFileSync(join(repo, '.git', 'config'), 'utf8');
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);

    const merged = git(repo, 'show', 'main:planning/architecture.md');
    expect(merged).toContain(
      [
        "- write in the user's checkout: refused",
        '- write in HOME: refused',
        '- write the shared git config: refused',
        '- read the store: refused',
        '- see its work with git status: done',
        '- commit with its own git: refused',
        '- read its prompt: done',
        '- write its private /tmp: done',
        // Its own pid namespace: bwrap is 1 there.
        '- its pid: 2',
      ].join('\n'),
    );
    expect(existsSync(join(repo, 'MARKER'))).toBe(false);
    expect(existsSync(join(testEnv()['HOME'] ?? '', 'MARKER'))).toBe(false);
    expect(readFileSync(join(repo, '.git', 'config'), 'utf8')).toBe(config);
    // The phase commit is phaserunner's, on the base it started from: the agent's commit failed.
    const [run] = runsOf(repo);
    expect(git(repo, 'rev-list', '--count', `${run?.base_sha ?? ''}..phaserunner/planning/1-architecture-baseline`)).toBe('1');
    expect(git(repo, 'status', '--porcelain', '--untracked-files=all')).toBe('');
    expect(readFileSync(join(run?.run_dir ?? '', 'dispatch.json'), 'utf8')).toContain('"sandbox": "bubblewrap"');
    await until(() => !sleeping(3117), 5_000, 'the process the agent left behind to be gone');
    expect(cli(repo, ['audit']).code).toBe(0);
  });

  it('is stopped at the phase timeout, with everything it started', async () => {
    const repo = shellAgentRepo('#!/bin/sh\nsetsid sleep 3118 &\nexec sleep 3119\n', SANDBOX, { timeouts: { phase_minutes: 0.02, kill_grace_seconds: 1 } });
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the agent ran past the phase timeout (0.02 min) and was killed.');
    await until(() => !sleeping(3118) && !sleeping(3119), 5_000, "the agent's processes to be gone");
  });

  it('is never started without bwrap: run refuses (69) before dispatch, naming the fix', () => {
    const repo = shellAgentRepo(AGENT, SANDBOX);
    const result = cli(repo, ['run', '--wait', '--until', '1'], { PATH: fakeBin() });
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('agent "shell" runs in a bubblewrap sandbox, and bwrap is not on PATH: the agent is not started without it.');
    expect(result.stderr).toContain('Next: Install bubblewrap (Debian, Ubuntu: `sudo apt-get install bubblewrap`');
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it('is never started where bwrap cannot set a sandbox up: run refuses (69), naming bwrap\'s error', () => {
    const repo = shellAgentRepo(AGENT, SANDBOX);
    const result = cli(repo, ['run'], withBwrap('echo "bwrap: No permissions to creating new namespace" >&2; exit 1'));
    expect(result.code).toBe(69);
    expect(result.stderr).toContain('bwrap cannot start one here (bwrap: No permissions to creating new namespace)');
    expect(result.stderr).toContain('Next: Allow unprivileged user namespaces');
    expect(json<StatusView>(cli(repo, ['status', '--json'])).phases[0]).toMatchObject({ state: 'pending', attempts: 0 });
  });

  it("fails the attempt, naming bwrap's error, when the sandbox could not start the agent", () => {
    const repo = shellAgentRepo(AGENT, SANDBOX);
    // The real bwrap for the probe's sandbox (it runs `true`); the agent's fails, as a machine's can.
    const real = which('bwrap', '/') ?? 'bwrap is not installed';
    const result = cli(repo, ['run', '--wait', '--until', '1'], withBwrap(`case "$*" in *"-- true") exec ${real} "$@" ;; esac\necho "bwrap: Can't mount proc on /newroot/proc: Operation not permitted" >&2\nexit 1`));
    expect(result.code).toBe(1);
    const status = json<StatusView>(cli(repo, ['status', '--json']));
    expect(status.phases[0]?.reason).toContain(
      "the agent's sandbox (bubblewrap) could not start, so the agent never ran: bwrap: Can't mount proc on /newroot/proc: Operation not permitted. `phaserunner doctor` checks the sandbox",
    );
  });
});

describe('doctor and the sandbox', () => {
  interface Check {
    name: string;
    level: string;
    message: string;
    fix: string | null;
    details: Record<string, unknown>;
  }
  const sandboxCheck = (repo: string, env: NodeJS.ProcessEnv = {}): { code: number | null; check: Check | undefined } => {
    const result = cli(repo, ['doctor', '--json'], env);
    return { code: result.code, check: json<{ checks: Check[] }>(result).checks.find((c) => c.name === 'sandbox') };
  };

  it('checks that bwrap starts a sandbox for a sandboxed agent, and says how to fix it when it does not', () => {
    const repo = shellAgentRepo(AGENT, SANDBOX);
    const ok = sandboxCheck(repo);
    expect(ok.code).toBe(0);
    expect(ok.check).toMatchObject({ level: 'ok', details: { agents: ['shell'], active: true, error: null } });

    const missing = sandboxCheck(repo, { PATH: fakeBin() });
    expect(missing.code).toBe(69);
    expect(missing.check).toMatchObject({ level: 'fail', message: 'agent "shell" runs in a bubblewrap sandbox, and bwrap is not on PATH (the active agent cannot start)' });
    expect(missing.check?.fix).toContain('sudo apt-get install bubblewrap');

    const refused = sandboxCheck(repo, withBwrap('echo "bwrap: setting up uid map: Permission denied" >&2; exit 1'));
    expect(refused.code).toBe(69);
    expect(refused.check).toMatchObject({ level: 'fail', details: { error: 'bwrap: setting up uid map: Permission denied' } });
    expect(refused.check?.fix).toContain('sudo sysctl kernel.unprivileged_userns_clone=1');
  });

  it('has no sandbox check when no agent runs in one', () => {
    expect(sandboxCheck(shellAgentRepo(AGENT, { stdin: false })).check).toBeUndefined();
  });
});
