// What the wrapper starts, worked out when dispatch.json is written: the agent's argv (through
// the sandbox when it has one) and its whole environment. The wrapper adds nothing to either.
// The environment is the allowlist (agents/env-allowlist.ts) over the runner's own, then
// phaserunner's values and the config's `env`, then the ref guard's git config, which comes
// last so that nothing before it can turn the guard off.
import { existsSync, realpathSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { delimiter, isAbsolute, join } from 'node:path';
import { agentEnvironment } from '../agents/env-allowlist.js';
import type { AgentInvocation } from '../agents/types.js';
import { worktreeGitDir } from '../git/worktree.js';
import { statePaths, worktreesDir } from '../paths.js';
import { installRefGuard, refGuardFiles, type GuardedCheckout } from './ref-guard.js';
import { runFiles } from './run-dir.js';
import { bubblewrapArgs, requireSandbox } from './sandbox.js';

export interface AgentCommandInput {
  /** The agent's name in config, for a failure's message. */
  readonly agent: string;
  readonly invocation: AgentInvocation;
  readonly runDir: string;
  readonly worktree: string;
  /** The user's checkout (the repository's root). */
  readonly repoRoot: string;
  readonly guard: GuardedCheckout;
  readonly runnerEnv: Readonly<Record<string, string | undefined>>;
}

export interface AgentCommand {
  readonly argv: string[];
  readonly env: Record<string, string>;
  readonly sandbox?: 'bubblewrap';
}

export function agentCommand(input: AgentCommandInput): AgentCommand {
  const { invocation, runDir } = input;
  const sandboxed = invocation.sandbox === 'bubblewrap';
  const allowed = agentEnvironment(input.runnerEnv, invocation.passEnv, invocation.env);
  // In the sandbox, only its private /tmp is writable for temporary files.
  const base = sandboxed ? { ...allowed, TMPDIR: '/tmp' } : allowed;
  const env = { ...base, ...installRefGuard(runDir, input.guard, base) };
  if (!sandboxed) return { argv: [...invocation.argv], env };

  // Checked again here (the preflight ran earlier, maybe in another pass): never unsandboxed.
  const bwrap = requireSandbox(input.agent);
  const guardFiles = refGuardFiles(runDir);
  const writable = [guardFiles.log, ...(invocation.runDirFiles ?? [])];
  // A file is bound where it exists: the ones the agent writes are created now, empty.
  for (const file of writable) if (!existsSync(file)) writeFileSync(file, '');
  const home = input.runnerEnv['HOME'] ?? homedir();
  const path = (input.runnerEnv['PATH'] ?? '').split(delimiter).filter((dir) => isAbsolute(dir));
  const gitDir = worktreeGitDir(input.worktree);
  const layout = {
    worktree: input.worktree,
    worktreeGitDir: gitDir === undefined ? undefined : realpathSync(gitDir),
    visible: [input.repoRoot, input.guard.commonDir, home, invocation.argv[0] ?? '/', ...path].filter((p) => p !== '' && existsSync(p)),
    hidden: [
      statePaths(input.guard.commonDir).dir,
      worktreesDir(input.guard.commonDir, { ...input.runnerEnv }),
      phaserunnerConfigDir(input.runnerEnv, home),
      // The user's session sockets (agents for ssh and gpg, the session bus).
      input.runnerEnv['XDG_RUNTIME_DIR'] ?? '',
    ].filter((dir) => isAbsolute(dir) && existsSync(dir)),
    readable: [runFiles(runDir).prompt, guardFiles.hooks],
    writable,
  };
  return { argv: [bwrap, ...bubblewrapArgs(layout), ...invocation.argv], env, sandbox: 'bubblewrap' };
}

/** `~/.config/phaserunner` (or under $XDG_CONFIG_HOME): the user's own phaserunner settings. */
function phaserunnerConfigDir(env: Readonly<Record<string, string | undefined>>, home: string): string {
  const xdg = env['XDG_CONFIG_HOME'];
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(home, '.config'), 'phaserunner');
}
