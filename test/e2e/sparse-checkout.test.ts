// A user's sparse checkout: the agent's checkout is a full one all the same, and the user's
// stays sparse through the merges (same patterns, nothing outside them written, the
// repository's config untouched).
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli } from '../helpers/cli.js';
import { commitFile, git, shellAgentRepo } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';

/** Every file in the working tree, .git left out, sorted. */
function filesOnDisk(dir: string, root = dir): string[] {
  return readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.name === '.git' ? [] : e.isDirectory() ? filesOnDisk(join(dir, e.name), root) : [relative(root, join(dir, e.name))]))
    .sort();
}

/** What the user's sparse checkout is: its patterns, its own and the shared config, its files. */
function sparseState(repo: string): Record<string, string | string[]> {
  const worktreeConfig = join(repo, '.git', 'config.worktree');
  return {
    patterns: git(repo, 'sparse-checkout', 'list'),
    config: readFileSync(join(repo, '.git', 'config'), 'utf8'),
    worktreeConfig: existsSync(worktreeConfig) ? readFileSync(worktreeConfig, 'utf8') : '',
    files: filesOnDisk(repo),
  };
}

/** The scripted repository, with a source file and a doc, in a sparse checkout set up by `set`. */
function sparseRepo(set: readonly string[]): string {
  const repo = scriptedRepo();
  commitFile(repo, 'src/app.ts', 'export {};\n');
  commitFile(repo, 'docs/guide.md', '# Guide\n');
  git(repo, 'sparse-checkout', 'set', ...set);
  return repo;
}

describe('a sparse checkout', () => {
  it.each([
    { mode: 'cone mode', set: ['src', '.phaserunner'], files: ['.phaserunner/config.json', 'INTENT.md', 'README.md', 'src/app.ts'] },
    { mode: 'cone mode with a sparse index', set: ['--sparse-index', 'src', '.phaserunner'], files: ['.phaserunner/config.json', 'INTENT.md', 'README.md', 'src/app.ts'] },
    { mode: 'non-cone mode', set: ['--no-cone', '/src/', '/.phaserunner/'], files: ['.phaserunner/config.json', 'src/app.ts'] },
    { mode: 'cone mode with only src in the cone (the config is read from main as committed)', set: ['src'], files: ['INTENT.md', 'README.md', 'src/app.ts'] },
  ])('in $mode gets every phase merged, and stays as sparse as it was', ({ set, files }) => {
    const repo = sparseRepo(set);
    const before = sparseState(repo);
    expect(before.files).toEqual(files);

    const result = cli(repo, ['run', '--wait']);
    expect(result.code, result.stderr).toBe(0);
    expect(git(repo, 'log', '--first-parent', '--merges', '--format=%s', 'main').split('\n').reverse()).toEqual([
      'planning: merge phase 1 architecture-baseline into main',
      'planning: merge phase 2 gap-analysis into main',
      'planning: merge phase 3 project-planning into main',
      'planning: merge phase 4 task-planning into main',
    ]);
    // Same patterns, same config, and the fast-forward wrote no file outside the patterns:
    // the plan is in main, not on the user's disk.
    expect(sparseState(repo)).toEqual(before);
    expect(git(repo, 'rev-parse', 'HEAD')).toBe(git(repo, 'rev-parse', 'main'));
    expect(git(repo, 'status', '--porcelain=v1', '--untracked-files=all')).toBe('');
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main', 'planning')).toContain('planning/tasks.json');
    expect(git(repo, 'ls-files', '-t', 'planning').split('\n').every((line) => line.startsWith('S '))).toBe(true);
    // Every phase's checkout was a full one: each was removed after its merge, and the
    // agent's outputs (outside the user's patterns) were all committed.
    expect(runsOf(repo).map((r) => r.step)).toEqual(['merged', 'merged', 'merged', 'merged']);
    expect(git(repo, 'worktree', 'list', '--porcelain').match(/^worktree /gm)).toHaveLength(1);
    const audit = cli(repo, ['audit']);
    expect(audit.code, audit.stdout + audit.stderr).toBe(0);
  });

  it("gives the agent a full checkout, which its own git sees as one too", () => {
    // The agent writes down what its git sees, then stages its outputs itself (which git
    // refuses outside a sparse checkout's patterns).
    const repo = shellAgentRepo(
      `#!/bin/sh
set -e
seen="$(dirname "$PHASERUNNER_PROMPT_FILE")/seen.txt"
{
  echo "sparseCheckout=$(git config --get core.sparseCheckout || echo unset)"
  echo "skip-worktree=$(git ls-files -t | grep -c '^S' || true)"
  ls docs/guide.md tools/agent.sh
} > "$seen"
mkdir -p planning/adr
printf '# A\\n\\n## Components\\n\\n### Web\\n' > planning/architecture.md
printf '# 0001. X\\n\\n## Decision\\n\\nX.\\n' > planning/adr/0001-x.md
git add planning
`,
      { stdin: false },
    );
    commitFile(repo, 'docs/guide.md', '# Guide\n');
    // tools/ in the patterns: the runner looks for the agent program in the user's checkout.
    git(repo, 'sparse-checkout', 'set', 'tools', '.phaserunner');
    const before = sparseState(repo);

    const result = cli(repo, ['run', '--wait', '--until', '1']);
    expect(result.code, result.stderr).toBe(0);
    const [run] = runsOf(repo);
    expect(run?.step).toBe('merged');
    const seen = readFileSync(join(run?.run_dir ?? '', 'seen.txt'), 'utf8');
    expect(seen).toBe('sparseCheckout=false\nskip-worktree=0\ndocs/guide.md\ntools/agent.sh\n');
    expect(sparseState(repo)).toEqual(before);
    expect(git(repo, 'ls-tree', '-r', '--name-only', 'main', 'planning').split('\n')).toEqual(['planning/adr/0001-x.md', 'planning/architecture.md']);
  });
});
