// The `command` adapter with a real program: argv placeholders, the prompt on stdin, the
// agent's environment, and a timeout that takes the agent's children with it.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, cliTty } from '../helpers/cli.js';
import { commitFile, git, repoWithIntent, scriptedConfig, shellAgentRepo, writeConfig } from '../helpers/git.js';
import { isAlive, runsOf, scriptedRepo, until } from '../helpers/setup.js';

const AGENT = `#!/bin/sh
# A stand-in for an agent CLI: writes phase 1's outputs from what phaserunner gives it.
set -e
mkdir -p planning/adr
{
  echo "# Architecture"
  echo
  echo "## Components"
  echo
  echo "argv: $*"
  echo "stdin: $(head -n 1)"
  echo "role: $PHASERUNNER_ROLE; outputs: $PHASERUNNER_OUTPUTS"
} > planning/architecture.md
printf '# 0001. Use sh\\n\\n## Decision\\n\\nUse sh.\\n' > planning/adr/0001-use-sh.md
echo "wrote 2 files"
`;

describe('a command agent', () => {
  it('gets its argv placeholders filled, the prompt on stdin and its environment', () => {
    const repo = shellAgentRepo(AGENT, { argv: ['./tools/agent.sh', '{prompt_file}', '{phase}', '{role}', '{worktree}'] });
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    const [run] = runsOf(repo);
    if (run === undefined) throw new Error('no run');
    const written = git(repo, 'show', 'main:planning/architecture.md');
    expect(written).toContain(`argv: ${join(run.run_dir, 'prompt.md')} 1 architect ${run.worktree}`);
    expect(written).toContain('stdin: # Phase 1: Architecture baseline');
    expect(written).toContain('role: architect; outputs: ["planning/architecture.md","planning/adr/*.md"]');
    expect(git(repo, 'log', '-1', '--format=%(trailers:key=Agent,valueonly)', 'main')).toBe('shell');
    expect(readFileSync(join(run.run_dir, 'stdout.log'), 'utf8')).toBe('wrote 2 files\n');
  });

  it('may leave ignored caches behind, which are neither committed nor held against it', () => {
    const repo = shellAgentRepo(AGENT.replace('echo "wrote 2 files"', 'mkdir -p .cache && echo x > .cache/build.log'));
    commitFile(repo, '.gitignore', '.cache/\n');
    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main')).not.toContain('.cache');
  });

  it('is killed at the timeout together with the processes it started', async () => {
    const repo = repoWithIntent();
    writeConfig(repo, {
      ...scriptedConfig({ timeouts: { phase_minutes: 0.02, kill_grace_seconds: 1 } }),
      agent: 'spawner',
      agents: { spawner: { type: 'command', argv: ['sh', '-c', 'sleep 300 & echo $! > child.pid; wait'], stdin: false } },
    });
    const result = cli(repo, ['run', '--wait']);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('the agent ran past the phase timeout (0.02 min) and was killed.');
    const [run] = runsOf(repo);
    const child = Number(readFileSync(join(run?.worktree ?? '', 'child.pid'), 'utf8'));
    expect(child).toBeGreaterThan(0);
    await until(() => !isAlive(child), 5_000, 'the agent\'s child to be gone');
  });
});

describe('progress on a terminal', () => {
  it('redraws one line with a spinner, the elapsed time and the agent\'s latest output', () => {
    const repo = scriptedRepo({ '1': 'slow' });
    const result = cliTty(repo, ['run', '--wait', '--until', '1']);
    expect(result.code).toBe(0);
    // "\r ESC [K" returns to the line start and clears it: the line is redrawn in place.
    // Replaced by a visible marker so the patterns need no control characters.
    const out = result.stdout.replaceAll('\r\u001b[K', '<redraw>');
    expect(out).toMatch(/<redraw>[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏] phase 1 architecture-baseline · \d+\.\ds · \[scripted architect\] writing planning\//);
    // The progress line is cleared before the next event is printed.
    expect(out).toMatch(/<redraw>phase 1 architecture-baseline: agent exited 0/);
  });
});
