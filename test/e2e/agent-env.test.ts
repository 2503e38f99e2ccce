// An agent gets an allowlist of the runner's environment, never the whole of it (issue 16: a
// token in the user's shell was written into a planning file and merged). A command agent
// writes what it sees (its own environment, and its parent's, which an agent outside a
// sandbox can read in /proc) into its phase's legitimate outputs, which are then merged.
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { git, shellAgentRepo } from '../helpers/git.js';

const SECRET = 's3cr3t-7f1d29';

const AGENT = `#!/bin/sh
set -e
mkdir -p planning/adr
{
  echo "# Architecture"
  echo
  echo "## Components"
  echo
  echo "### Its environment"
  echo
  env | sort
  echo
  echo "### Its parent's environment"
  echo
  tr '\\0' '\\n' < /proc/$PPID/environ | sort
} > planning/architecture.md
printf '# 0001. Use sh\\n\\n## Decision\\n\\nUse sh.\\n' > planning/adr/0001-use-sh.md
`;

/** The runner's environment: a secret, variables a pass_env names, and ones never passed. */
const RUNNER_ENV = {
  SECRET_TOKEN: SECRET,
  ANTHROPIC_API_KEY: `anthropic-${SECRET}`,
  PASSED_BY_NAME: 'by-name',
  ACME_ONE: 'acme-1',
  ACME_TWO: 'acme-2',
  GIT_CONFIG_PARAMETERS: "'core.hookspath'='/dev/null'",
};

describe("an agent's environment", () => {
  it('holds the allowlist, phaserunner\'s variables, env and pass_env, and no secret of the runner\'s: neither in its own environment nor in its parent\'s', () => {
    const repo = shellAgentRepo(AGENT, { stdin: false, env: { SET_BY_CONFIG: 'configured' }, pass_env: ['PASSED_BY_NAME', 'ACME_*', 'GIT_*'] });
    const result = cli(repo, ['run', '--wait', '--until', '1'], RUNNER_ENV);
    expect(result.code, result.stderr).toBe(0);
    const merged = git(repo, 'show', 'main:planning/architecture.md');
    const [own = '', parent = ''] = merged.split("### Its parent's environment");
    const names = (text: string): string[] => [...text.matchAll(/^([A-Za-z_][A-Za-z0-9_]*)=/gm)].map((m) => m[1] ?? '');

    // What every agent needs, what phaserunner tells it, what the config adds.
    expect(own).toMatch(/^PATH=\//m);
    expect(own).toMatch(/^HOME=\//m);
    expect(own).toContain('PHASERUNNER_PHASE=1\n');
    expect(own).toContain('PHASERUNNER_ROLE=architect\n');
    // A planning phase: its workstream named, and no task (issue 17).
    expect(own).toContain('PHASERUNNER_WORKSTREAM=planning\n');
    expect(names(own)).not.toContain('PHASERUNNER_TASK');
    expect(own).toContain('SET_BY_CONFIG=configured\n');
    expect(own).toContain('PASSED_BY_NAME=by-name\n');
    expect(own).toContain('ACME_ONE=acme-1\nACME_TWO=acme-2\n');
    // The ref guard's hook, through git config in the environment.
    expect(own).toMatch(/^GIT_CONFIG_KEY_0=core\.hooksPath$/m);
    // Not the secret, not another CLI's key, and not the variable that would turn the guard
    // off, though "GIT_*" is passed.
    expect(merged).not.toContain(SECRET);
    expect(names(own)).not.toContain('ANTHROPIC_API_KEY');
    expect(names(own)).not.toContain('GIT_CONFIG_PARAMETERS');
    // The wrapper (its parent) was started with no more than an agent gets.
    expect(names(parent)).toContain('PATH');
    expect(names(parent)).not.toContain('SECRET_TOKEN');
    expect(cli(repo, ['audit']).code).toBe(0);
  });

  it('refuses, in the config, a variable that would point the agent\'s git elsewhere', () => {
    const repo = shellAgentRepo(AGENT, { env: { GIT_DIR: '/elsewhere' } });
    const result = cli(repo, ['run']);
    expect(result.code).toBe(65);
    expect(result.stderr).toContain('GIT_DIR is never given to an agent');
    expect(git(repo, 'for-each-ref', '--format=%(refname)', 'refs/heads')).toBe('refs/heads/main');
  });
});
