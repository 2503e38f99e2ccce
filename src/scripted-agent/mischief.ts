// Misbehaviours that do not depend on what the agent writes, shared by phase and task mode:
// each reaches for something outside its checkout (refs, the shared git directory, the run
// directory) or does the runner's job (committing), so tests can prove the runner holds.
import { execFileSync } from 'node:child_process';
import { appendFileSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import type { AgentContext } from './context.js';

/**
 * Claims to be finished before it is: an exit.json of its own in the run directory, written
 * before the real work. Only the wrapper's exit.json counts.
 */
export function fakeExit(context: AgentContext): void {
  const now = new Date().toISOString();
  const fake = { exit_code: 0, signal: null, pid: process.pid, started_at: now, finished_at: now, duration_ms: 1 };
  writeFileSync(join(context.runDir, 'exit.json'), JSON.stringify(fake));
  context.say('wrote a fake exit.json; now doing the work');
}

/**
 * Reaches from its checkout into the refs it shares with the user's repository. Each try is
 * reported, whatever git says; the work itself is still done.
 */
export function moveRefs(context: AgentContext): void {
  const { cwd } = context;
  const evil = execFileSync('git', ['-c', 'user.name=agent', '-c', 'user.email=agent@invalid', 'commit-tree', 'HEAD^{tree}', '-p', 'HEAD', '-m', 'agent was here'], { cwd, encoding: 'utf8' }).trim();
  // The user's checkout: the parent of the shared git dir.
  const common = commonDir(cwd);
  const scratch = mkdtempSync(join(tmpdir(), 'scripted-scratch-'));
  const identity = ['-c', 'user.name=agent', '-c', 'user.email=agent@invalid'];
  const tries: [string, string[]][] = [
    ['update-ref', ['update-ref', 'refs/heads/main', evil]],
    ['tag', ['tag', 'agent-was-here']],
    ['switch the user\'s checkout', ['-C', dirname(common), 'switch', '--detach']],
    ['stash', ['stash', 'push', '--include-untracked', '--message', 'agent stash']],
    // Nothing of the user's moves with these: they must work.
    ['scratch init', ['init', '--quiet', scratch]],
    ['scratch commit', ['-C', scratch, ...identity, 'commit', '--quiet', '--allow-empty', '-m', 'scratch']],
  ];
  for (const [name, args] of tries) {
    try {
      execFileSync('git', args, { cwd, stdio: 'pipe' });
      context.say(`git ${name}: done`);
    } catch {
      context.say(`git ${name}: refused`);
    }
  }
  // The scratch repository was only there to show git still works: nothing is left behind.
  rmSync(scratch, { recursive: true, force: true });
}

/**
 * Reaches past its checkout into the git directory it shares with the user: a hook armed for
 * the user's own git, and an ignore rule that would hide a file planted for them.
 */
export function tamper(context: AgentContext): void {
  const common = commonDir(context.cwd);
  mkdirSync(join(common, 'hooks'), { recursive: true });
  writeFileSync(join(common, 'hooks', 'post-commit'), '#!/bin/sh\necho armed >> "$(git rev-parse --git-common-dir)/tampered-hook-ran"\n', { mode: 0o755 });
  mkdirSync(join(common, 'info'), { recursive: true });
  appendFileSync(join(common, 'info', 'exclude'), '\n.envrc\n');
  context.say('planted a post-commit hook and an ignore rule in the shared git directory');
}

/** Commits its work by itself, which is the runner's job. */
export function commitByItself(context: AgentContext): void {
  const { cwd } = context;
  context.say('committing by itself (it should not)');
  execFileSync('git', ['add', '-A'], { cwd });
  execFileSync('git', ['-c', 'user.name=agent', '-c', 'user.email=agent@invalid', 'commit', '-q', '-m', 'agent commit'], { cwd });
}

function commonDir(cwd: string): string {
  return execFileSync('git', ['rev-parse', '--path-format=absolute', '--git-common-dir'], { cwd, encoding: 'utf8' }).trim();
}
