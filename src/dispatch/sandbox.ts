// The opt-in sandbox of `command` and `aider` agents (`"sandbox": "bubblewrap"`): the agent is
// started through bwrap (Debian's `bubblewrap`), computed when dispatch.json is written, so the
// wrapper runs it like any argv. Inside:
// - the whole file system read-only, the user's checkout, HOME and the shared git directory
//   included; writable: the agent's checkout, its worktree's own git directory
//   (`.git/worktrees/<name>`: index and HEAD, so `git status` and `git diff` work) and a
//   private /tmp (TMPDIR points there). The shared objects and refs are read-only, so the
//   agent's own `git add` or `git commit` fails ("insufficient permission for adding an
//   object", "Read-only file system"), as phaserunner wants: it commits the work itself;
// - hidden (an empty read-only tmpfs over them): phaserunner's state under
//   `<git common dir>/phaserunner` (the store, every run directory, the definitions cache),
//   this repository's other phase checkouts, `~/.config/phaserunner` and the user's runtime
//   directory (its agent and session sockets). Of its own run directory the agent sees the
//   prompt and the ref guard's hook (read-only), and the files it writes there itself;
// - its own pid namespace with a fresh /proc: it cannot see (or read the environment of) the
//   runner, the wrapper or any other process, and whatever it leaves running dies with it;
//   no capabilities, even as root (no unmounting the tmpfs over the store); the network kept,
//   since an agent CLI needs its API.
// Not `--new-session`: the wrapper's kill of the agent's process group must reach the sandbox
// (the wrapper has no terminal, so there is none to steal input from).
//
// A sandbox that cannot start fails: `run` refuses before dispatch when bwrap is missing or
// refused (preflight), and an attempt whose bwrap failed to set up fails naming bwrap's error.
import { spawnSync } from 'node:child_process';
import { isAbsolute, relative } from 'node:path';
import { which } from '../agents/which.js';
import { fail, type SandboxProblem } from '../failures.js';

export const BWRAP = 'bwrap';

/** Namespaces and process settings, in the probe as in every sandbox. */
const ISOLATION = ['--unshare-all', '--share-net', '--die-with-parent', '--cap-drop', 'ALL'];
/** The base of every sandbox: read-only root, fresh /dev and /proc, private /tmp. */
const BASE = ['--ro-bind', '/', '/', '--dev', '/dev', '--proc', '/proc', '--tmpfs', '/tmp'];
/** What the base mounts afresh, hiding what the host has there (/dev/shm is under /dev). */
const SHADOWED = ['/tmp', '/dev'];

export interface SandboxLayout {
  /** The agent's checkout: writable, and where it starts. */
  readonly worktree: string;
  /** The checkout's own git directory (`<common dir>/worktrees/<name>`): writable. */
  readonly worktreeGitDir: string | undefined;
  /** Read-only, and bound again when under /tmp or /dev (the sandbox's own would hide them): the user's checkout, the shared git directory, HOME, the agent's program and PATH. */
  readonly visible: readonly string[];
  /** Existing directories covered by an empty read-only tmpfs. */
  readonly hidden: readonly string[];
  /** Files (or directories) inside hidden ones the agent reads: its prompt, the ref guard's hook. */
  readonly readable: readonly string[];
  /** Existing files inside hidden ones the agent writes: the ref guard's log, aider's histories. */
  readonly writable: readonly string[];
}

const inside = (path: string, dir: string): boolean => {
  const rel = relative(dir, path);
  return rel === '' || (!rel.startsWith('..') && !isAbsolute(rel));
};

/** bwrap's arguments up to and including `--`, for `layout`; the agent's argv follows. */
export function bubblewrapArgs(layout: SandboxLayout): string[] {
  const args = [...BASE];
  // Outer directories first: a later mount covers an earlier one.
  const byDepth = (paths: readonly string[]): string[] => [...new Set(paths)].sort((a, b) => a.length - b.length);
  for (const path of byDepth(layout.visible.filter((p) => SHADOWED.some((dir) => inside(p, dir))))) args.push('--ro-bind', path, path);
  for (const dir of byDepth(layout.hidden)) args.push('--tmpfs', dir);
  if (layout.worktreeGitDir !== undefined) args.push('--bind', layout.worktreeGitDir, layout.worktreeGitDir);
  args.push('--bind', layout.worktree, layout.worktree);
  for (const path of layout.readable) args.push('--ro-bind', path, path);
  for (const path of layout.writable) args.push('--bind', path, path);
  // The tmpfs stays empty: writes there would vanish with the sandbox, and only confuse.
  for (const dir of byDepth(layout.hidden)) args.push('--remount-ro', dir);
  args.push('--chdir', layout.worktree, ...ISOLATION, '--');
  return args;
}

export type { SandboxProblem };

const probed = new Map<string, SandboxProblem | undefined>();

/**
 * Whether bwrap is on PATH and starts a sandbox like the agent's (user namespaces allowed, a
 * fresh /proc mountable): a trivial program run in it, once per process (about 15 ms).
 */
export function sandboxProblem(path: string = process.env['PATH'] ?? ''): SandboxProblem | undefined {
  const bwrap = which(BWRAP, '/', path);
  if (bwrap === undefined) return { cause: 'missing' };
  if (probed.has(bwrap)) return probed.get(bwrap);
  const result = spawnSync(bwrap, [...BASE, ...ISOLATION, '--', 'true'], { encoding: 'utf8', timeout: 10_000, stdio: ['ignore', 'ignore', 'pipe'] });
  const problem: SandboxProblem | undefined =
    result.status === 0 ? undefined : { cause: 'refused', detail: result.error?.message ?? firstLine(result.stderr) ?? `bwrap exited with ${String(result.status ?? result.signal)}` };
  probed.set(bwrap, problem);
  return problem;
}

function firstLine(text: string | undefined): string | undefined {
  const line = text?.trim().split('\n')[0];
  return line === undefined || line === '' ? undefined : line;
}

/** bwrap's path, after a working probe; sandbox-unavailable (never an unsandboxed agent) otherwise. */
export function requireSandbox(agent: string): string {
  const problem = sandboxProblem();
  if (problem !== undefined) fail({ reason: 'sandbox-unavailable', agent, sandbox: 'bubblewrap', ...problem });
  return which(BWRAP, '/') ?? fail({ reason: 'sandbox-unavailable', agent, sandbox: 'bubblewrap', cause: 'missing' });
}

/** What to do about a problem, for the failure and for doctor. */
export function sandboxFix(agent: string, problem: SandboxProblem): string {
  const off = `or set "sandbox": "none" for agent "${agent}" in .phaserunner/config.json (it then runs with the user's own rights)`;
  if (problem.cause === 'missing') return `Install bubblewrap (Debian, Ubuntu: \`sudo apt-get install bubblewrap\`; Fedora: \`sudo dnf install bubblewrap\`), ${off}.`;
  return (
    'Allow unprivileged user namespaces, which bwrap needs: `sudo sysctl kernel.unprivileged_userns_clone=1` (Debian) or ' +
    '`sudo sysctl kernel.apparmor_restrict_unprivileged_userns=0` (Ubuntu 23.10 and later; or give bwrap an AppArmor profile); in a container, ' +
    `run it with user namespaces allowed (Docker: \`--security-opt seccomp=unconfined\`), ${off}.`
  );
}

/** The first line of an agent's stderr when it is bwrap's own (it failed to set the sandbox up), else undefined. */
export function bwrapError(stderrTail: readonly string[]): string | undefined {
  const line = stderrTail.find((l) => l.trim() !== '');
  return line?.startsWith(`${BWRAP}: `) === true ? line : undefined;
}
