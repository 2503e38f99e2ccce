// The no-op agent of the phase benchmarks: a `command` agent that copies a phase's finished
// outputs into its worktree (cp -R), so a phase costs the runner's work and almost nothing else.
// The outputs are the built-in scripted agent's, taken from one `phaserunner demo` run, so
// every gate passes exactly as it does for a real run.
import { execFileSync } from 'node:child_process';
import { copyFileSync, mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { benchTemp, git, gitEnv, removeDir } from './repo.mjs';

export const CLI = new URL('../../dist/cli/main.js', import.meta.url).pathname;

/**
 * A directory with phase-1 ... phase-4 subdirectories, each holding that phase's outputs at
 * their repository paths. `adrs` (phase 1 only) pads planning/adr/ to that many decision
 * records, for the outputs-scaling curve.
 */
export function phaseFixtures({ adrs } = {}) {
  const demo = benchTemp('demo');
  // gitEnv: the demo's worktrees go with the benchmarks' (removed at exit), not under the user's HOME.
  execFileSync(process.execPath, [CLI, 'demo', '--dir', demo, '--delay', '0'], { stdio: 'ignore', env: gitEnv });
  const root = benchTemp('fixtures');
  // Each first-parent phase merge on main brings one phase's outputs; its Phase trailer says which.
  const merges = git(demo, ['log', '--first-parent', '--merges', '--format=%H %(trailers:key=Phase,valueonly,separator=)', 'main'])
    .trim()
    .split('\n')
    .map((line) => line.trim().split(/\s+/))
    // The demo goes on to execute the plan: its task merges have no Phase trailer.
    .filter(([, phase]) => phase !== undefined && phase !== '');
  for (const [commit, phase] of merges) {
    const files = git(demo, ['diff', '--name-only', `${commit}^1`, commit]).trim().split('\n');
    for (const file of files) {
      const target = join(root, `phase-${phase}`, file);
      mkdirSync(dirname(target), { recursive: true });
      copyFileSync(join(demo, file), target);
    }
  }
  removeDir(demo);
  if (adrs !== undefined) padAdrs(join(root, 'phase-1', 'planning', 'adr'), adrs);
  return root;
}

/** Copies the first decision record until the directory holds `count` of them. */
function padAdrs(dir, count) {
  const first = readdirSync(dir).sort()[0];
  const text = readFileSync(join(dir, first), 'utf8');
  for (let i = 1; i <= count; i++) {
    const name = `${String(i).padStart(4, '0')}-bench-decision-${i}.md`;
    writeFileSync(join(dir, name), text.replace(/^# .*$/m, `# Bench decision ${i}`));
  }
  const names = readdirSync(dir).sort();
  // Keep exactly `count`: drop the demo's own records beyond it.
  for (const name of names.slice(count)) removeDir(join(dir, name));
}

/** A config whose agent is the no-op copy of `fixtures/phase-{phase}`; no approvals. */
export function noopConfig(fixtures) {
  return {
    version: 1,
    base: 'main',
    agent: 'noop',
    approvals: [],
    // The outputs curve writes up to 2,000 files: over the default cap (limits.max_files, 1,000).
    limits: { max_files: 10_000 },
    agents: {
      noop: { type: 'command', argv: ['sh', '-c', 'cp -R "$1/." .', 'sh', `${fixtures}/phase-{phase}`], stdin: false },
    },
  };
}
