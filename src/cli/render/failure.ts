// Every failure's message, next step and exit code, in one exhaustive switch: a new failure
// reason without a message here does not compile.
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { unavailableFix } from '../../agent-cli/known.js';
import { BWRAP, sandboxFix } from '../../dispatch/sandbox.js';
import { SIGNING_FIX } from '../../git/signing.js';
import { ExitCode } from '../../exit-codes.js';
import { unreachable, type DataKind, type Failure } from '../../failures.js';
import { CONFIG_SCHEMA_NAME, PACKAGE_SCHEMA_DIR } from '../../paths.js';
import { shellWord } from '../../util/shell.js';
import { uncommittedNext } from '../../definitions/uncommitted-next.js';

export interface RenderedFailure {
  readonly code: ExitCode;
  readonly message: string;
  /** The one thing to do next: printed last. */
  readonly next: string;
}

/** The generated JSON Schema (in the package's schema/) that describes each kind of file. */
const SCHEMA_FILE: Record<DataKind, string | undefined> = {
  config: CONFIG_SCHEMA_NAME,
  'phase definition': 'phase.schema.json',
  'gate definition': 'gate.schema.json',
  'exit.json': 'exit.schema.json',
  'dispatch spec': undefined,
};

/**
 * Where the format of `file` is described, as a path that exists where the user is: for the
 * config, the copy `init` wrote next to it (what its `$schema` names); otherwise the schema
 * inside the installed package, by its absolute path.
 */
function schemaOf(kind: DataKind, file: string): string {
  const name = SCHEMA_FILE[kind];
  if (name === undefined) return 'the dispatch wrapper';
  const local = join(dirname(file), CONFIG_SCHEMA_NAME);
  if (kind === 'config' && committed(file) === undefined && existsSync(local)) return local;
  return join(PACKAGE_SCHEMA_DIR, name);
}

/**
 * A definition file read from git is named the way git names it, `<branch>:<path>` (a ref
 * name cannot hold a colon, and a file on disk is named by its absolute path): what is
 * wrong is fixed in the file, and then committed there.
 */
function committed(file: string): { readonly rev: string; readonly path: string } | undefined {
  const colon = file.indexOf(':');
  if (file.startsWith('/') || colon <= 0) return undefined;
  return { rev: file.slice(0, colon), path: file.slice(colon + 1) };
}

/** "in <file>", or for a committed one "in <path>, and commit it on <branch>". */
function fixIn(file: string): string {
  const c = committed(file);
  return c === undefined ? `in ${file}` : `in ${c.path}, and commit it on ${c.rev}`;
}

export function renderFailure(f: Failure): RenderedFailure {
  switch (f.reason) {
    case 'not-a-git-repo':
      if (f.bare === true) {
        return {
          code: ExitCode.config,
          message: `${f.dir} is a bare git repository: it has no working tree to plan in (\`audit\`, \`log\` and \`status\` read its history).`,
          next: `Run this in a checkout of it: \`git clone ${shellWord(f.dir)} DIR\`, and run phaserunner there.`,
        };
      }
      return {
        code: ExitCode.config,
        message: `${f.dir} is not inside a git repository (with a working tree).`,
        next: 'Run phaserunner inside your project\'s git checkout, or create one with `git init` and make a first commit.',
      };
    case 'no-commits':
      return {
        code: ExitCode.config,
        message: `the repository at ${f.dir} has no commits yet; phase branches start from a commit.`,
        next: 'Make a first commit (for example `git commit --allow-empty -m "Initial commit"`), then run this again.',
      };
    case 'git-missing':
      return { code: ExitCode.unavailable, message: 'git was not found on PATH.', next: 'Install git 2.38 or newer and put it on PATH.' };
    case 'git-too-old':
      return {
        code: ExitCode.unavailable,
        message: `git ${f.version} is too old: phaserunner needs git ${f.required} or newer (for \`git merge-tree --write-tree\`).`,
        next: `Upgrade git to ${f.required} or newer.`,
      };
    case 'not-initialized':
      return {
        code: ExitCode.config,
        message: `phaserunner is not set up in this repository: ${f.configFile} does not exist.`,
        next: 'Run `phaserunner init` first.',
      };
    case 'already-initialized':
      return {
        code: ExitCode.config,
        message: `${f.configFile} already exists; init changed nothing.`,
        next: 'Edit that file; or, to change only its agent or base branch, run `phaserunner init --force --agent NAME` (or `--base BRANCH`): every other setting is kept.',
      };
    case 'unreadable-file':
      return {
        code: ExitCode.badData,
        message: `${f.file} (${f.kind}) cannot be read: ${f.detail}`,
        next: f.kind === 'directory' ? `Make ${committed(f.file)?.path ?? f.file} a directory (or remove it)${committed(f.file) === undefined ? '' : ', and commit that'}.` : `Make ${committed(f.file)?.path ?? f.file} a readable file (or remove it)${committed(f.file) === undefined ? '' : ', and commit that'}.`,
      };
    case 'invalid-json':
      return {
        code: ExitCode.badData,
        message: `${f.file} (${f.kind}) is not valid JSON: ${f.detail}`,
        next: `Fix the JSON syntax ${fixIn(f.file)}.`,
      };
    case 'invalid-data':
      return {
        code: ExitCode.badData,
        message: `${f.file} is not a valid ${f.kind}:\n${f.issues.map((i) => `  - ${i.path}: ${i.message}`).join('\n')}`,
        next: `Fix the field(s) above ${fixIn(f.file)} (the format is described by ${schemaOf(f.kind, f.file)}).`,
      };
    case 'unknown-agent':
      return {
        code: ExitCode.config,
        message: `unknown agent "${f.agent}" (${f.where}); known agents: ${f.known.join(', ')}.`,
        next: `Use one of ${f.known.join(', ')}, or define "${f.agent}" under "agents" in .phaserunner/config.json (for example {"type": "command", "argv": ["my-agent", "{prompt_file}"]}).`,
      };
    case 'agent-unavailable':
      // A known agent CLI gets its install command, not just "install it".
      return {
        code: ExitCode.unavailable,
        message: `agent "${f.agent}" cannot be started: ${f.binary} was not found or is not executable.`,
        next: unavailableFix(f.agent, f.type, f.binary),
      };
    case 'sandbox-unavailable':
      return {
        code: ExitCode.unavailable,
        message:
          f.cause === 'missing'
            ? `agent "${f.agent}" runs in a ${f.sandbox} sandbox, and ${BWRAP} is not on PATH: the agent is not started without it.`
            : `agent "${f.agent}" runs in a ${f.sandbox} sandbox, and ${BWRAP} cannot start one here (${f.detail}): the agent is not started without it.`,
        next: sandboxFix(f.agent, f),
      };
    case 'base-missing':
      return {
        code: ExitCode.config,
        message: `the base branch "${f.base}" does not exist in this repository.`,
        next: 'Create it, or set "base" in .phaserunner/config.json (or pass --base to init) to an existing branch.',
      };
    case 'base-unknown':
      return {
        code: ExitCode.config,
        message: `HEAD is detached in ${f.dir} and there is no main branch, so init cannot tell which branch the phases merge into. Nothing was written.`,
        next: 'Pass it: `phaserunner init --base <branch>` (`git branch` lists them), or check that branch out first.',
      };
    case 'store-corrupt':
      return {
        code: ExitCode.badData,
        message: `the store ${f.file} is damaged (${f.detail}); nothing was changed.`,
        next: 'Run `phaserunner doctor --repair`: it moves the damaged store aside (nothing is deleted) and rebuilds it from git history.',
      };
    case 'store-too-new':
      return {
        code: ExitCode.badData,
        message: `the store ${f.file} was written by a newer phaserunner (its schema is version ${f.version}; this one knows up to ${f.known}); nothing was changed.`,
        next: 'Use the phaserunner that wrote it, or a newer one (`phaserunner --version` shows this one).',
      };
    case 'phase-gone':
      return {
        code: ExitCode.badData,
        message: `run ${f.runId} is an attempt of phase ${f.phase}, which the phase definitions no longer have (the phases are ${f.known.join(', ')}); nothing was changed.`,
        next: `Restore the definition of phase ${f.phase} under .phaserunner/phases/ (\`git log --diff-filter=D -- .phaserunner/phases\` finds it) until that run is finished.`,
      };
    case 'ref-missing':
      return {
        code: ExitCode.usage,
        message: `--ref ${JSON.stringify(f.ref)} names no commit in this repository (nor on origin).`,
        next: 'Pass a branch, tag or commit that exists (`git branch -a` lists the branches), or leave out --ref to read the base branch.',
      };
    case 'planning-incomplete':
      return {
        code: ExitCode.humanNeeded,
        message: `planning is not complete${f.phase === undefined ? '' : `: phase ${f.phase} is not merged into ${f.base} yet`}; execution runs the plan that planning merged.`,
        next: 'Finish planning first: `phaserunner run --wait` (and `phaserunner status` for what it waits on).',
      };
    case 'plan-invalid':
      return {
        code: ExitCode.badData,
        message: `the plan on ${f.base} cannot be executed:\n${f.problems.map((p) => `  ${p}`).join('\n')}`,
        next: `Fix ${f.file} on ${f.base} (plan it again: \`phaserunner replan 4\`, then \`phaserunner run --wait\`).`,
      };
    case 'unknown-task':
      return {
        code: ExitCode.usage,
        message: `there is no task ${JSON.stringify(f.task)} in the plan; the tasks are ${f.known.length === 0 ? '(none)' : f.known.join(', ')}.`,
        next: 'Pick one of the tasks listed by `phaserunner status --workstream execution`.',
      };
    case 'task-retry-refused':
      return {
        code: ExitCode.usage,
        message: `task ${f.task} is ${f.state}; only a failed or conflicted task can be retried.`,
        next: 'See `phaserunner status --workstream execution` for what each task needs.',
      };
    case 'task-approval-refused':
      return {
        code: f.cause === 'not-awaiting' || f.cause === 'bad-name' || f.cause === 'no-reason' ? ExitCode.usage : ExitCode.humanNeeded,
        message:
          f.cause === 'not-awaiting'
            ? `task ${f.task} is ${f.detail.replace('_', ' ')}, not awaiting approval; only a task in awaiting_approval can be approved or rejected. Nothing was recorded.`
            : `cannot ${f.verb} task ${f.task}: ${f.detail}. Nothing was recorded.`,
        next:
          f.cause === 'inside-attempt'
            ? 'A person approves, from their own shell: not an agent, nor anything it started.'
            : 'See `phaserunner status --workstream execution` and `phaserunner show ' + f.task + '`.',
      };
    case 'unknown-workstream':
      return {
        code: ExitCode.usage,
        message: `there is no workstream ${JSON.stringify(f.workstream)}; the workstreams are ${f.known.join(', ')}.`,
        next: 'Use `--workstream planning` (the default) or `--workstream execution`.',
      };
    case 'unknown-phase':
      return {
        code: ExitCode.usage,
        message: `there is no phase ${f.phase}; the phases are ${f.known.join(', ')}.`,
        next: 'Pick one of the phases listed by `phaserunner status`.',
      };
    case 'retry-refused':
      return f.cause === 'not-failed'
        ? {
            code: ExitCode.usage,
            message: `phase ${f.phase} is ${f.state}; only a failed or conflicted phase can be retried.`,
            next: 'See `phaserunner status` for what each phase needs.',
          }
        : {
            code: ExitCode.humanNeeded,
            message: `phase ${f.phase} has used all ${f.maxAttempts} of its attempts.`,
            next: `Raise "max_attempts" in .phaserunner/config.json above ${f.attempts}, then run \`phaserunner retry ${f.phase}\` again.`,
          };
    case 'approval-refused':
      switch (f.cause) {
        case 'not-awaiting':
          return {
            code: ExitCode.usage,
            message: `phase ${f.phase} is ${f.detail.replace('_', ' ')}, not awaiting approval; only a phase in awaiting_approval can be approved or rejected. Nothing was recorded.`,
            next: 'See `phaserunner status`: it says which phase, if any, awaits approval.',
          };
        case 'branch-changed':
          return {
            code: ExitCode.humanNeeded,
            message: `cannot ${f.verb} phase ${f.phase}: ${f.detail}`,
            next: `Restore the branch as shown, then run \`phaserunner ${f.verb} ${f.phase} --by "Your Name"${f.verb === 'reject' ? ' --reason "what must change"' : ''}\` again.`,
          };
        case 'inside-attempt':
          return {
            code: ExitCode.humanNeeded,
            message: `cannot ${f.verb} phase ${f.phase}: ${f.detail}. An approval is a human's decision, and an agent's process may not record one. Nothing was recorded.`,
            next: `A human runs \`phaserunner ${f.verb} ${f.phase} --by "Your Name"\` from their own terminal, outside any agent's session.`,
          };
        case 'bad-name':
        case 'no-reason':
          return {
            code: ExitCode.usage,
            message: `cannot ${f.verb} phase ${f.phase}: ${f.detail}. Nothing was recorded.`,
            next: f.verb === 'approve' ? `Run \`phaserunner approve ${f.phase} --by "Your Name"\`.` : `Run \`phaserunner reject ${f.phase} --by "Your Name" --reason "what must change"\`.`,
          };
      }
      break;
    case 'name-needed':
      return f.configured === null
        ? {
            code: ExitCode.usage,
            message: `${f.verb} records who decides, but no name was given: no ${f.option}, and \`git config user.name\` is not set in this repository. Nothing was recorded.`,
            next: `Pass ${f.option} "Your Name", or set your name once with \`git config --global user.name "Your Name"\`.`,
          }
        : {
            code: ExitCode.usage,
            message: `${f.verb} records who decides, and \`git config user.name\` (${JSON.stringify(f.configured)}) cannot be used for ${f.option}: it ${f.problem ?? 'is not a valid name'}. Nothing was recorded.`,
            next: `Pass ${f.option} "Your Name", or correct it with \`git config user.name "Your Name"\`.`,
          };
    case 'unknown-attempt':
      return {
        code: ExitCode.usage,
        message: `phase ${f.phase} has no attempt ${f.attempt}; it has had ${f.attempts}.`,
        next: f.attempts === 0 ? `Phase ${f.phase} has not run yet: \`phaserunner run\` starts it.` : `Pick an attempt from 1 to ${f.attempts}, or leave --attempt out for the latest.`,
      };
    case 'locked':
      return {
        code: ExitCode.locked,
        message: `another phaserunner is working on this repository: pid ${f.pid} on ${f.host}, since ${f.since}.`,
        next: `Follow it with \`phaserunner status --watch\` (read-only), and try again once it has finished (if that process is on another machine and gone, delete ${f.lockFile}).`,
      };
    case 'demo-dir-not-empty':
      return {
        code: ExitCode.usage,
        message: `${f.dir} is not an empty directory; the demo needs a new or empty one.`,
        next: 'Pass --dir with a new or empty directory, or leave --dir out to use a temporary one.',
      };
    case 'git-failed':
      if (f.timedOutMinutes !== undefined) {
        return {
          code: ExitCode.unavailable,
          message: `git did not finish within ${f.timedOutMinutes} min (timeouts.git_minutes), and phaserunner stopped it: \`${f.command}\`${f.stderr === '' ? '.' : `:\n${f.stderr}`}`,
          next: 'Find what kept it busy (a very large output, a slow or hung file system, a config include that never ends); if it only needs longer, raise timeouts.git_minutes in .phaserunner/config.json.',
        };
      }
      return {
        code: ExitCode.internal,
        message: `git failed unexpectedly: \`${f.command}\` exited ${f.exitCode ?? 'by signal'}${f.stderr === '' ? '.' : `:\n${f.stderr}`}`,
        next: 'Check the repository with `git status` and `git worktree list`; if it looks fine, please report this as a phaserunner bug.',
      };
    case 'signing-failed':
      return {
        code: ExitCode.config,
        message: `commit.gpgsign is on, so phaserunner signs its commits, but git could not sign${f.stderr === '' ? '.' : `:\n${f.stderr}`}\nNothing was committed; once signing works, phaserunner goes on from where it stopped.`,
        next: SIGNING_FIX,
      };
    case 'ref-ambiguous':
      return {
        code: ExitCode.usage,
        message: `--ref ${JSON.stringify(f.ref)} is ambiguous: ${f.candidates.join(' and ')} all exist, and git would silently pick one.`,
        next: `Pass the full name: ${f.candidates.map((c) => `\`--ref ${shellWord(c)}\``).join(' or ')}.`,
      };
    case 'definitions-uncommitted':
      return {
        code: ExitCode.config,
        message:
          `phaserunner follows ${f.base} as committed, and your checkout differs from it in ${f.files.join(', ')}; ` +
          `a run would not use ${f.files.length === 1 ? 'that change' : 'those changes'}, so nothing was done.` +
          (f.branch !== undefined && f.branch !== f.base ? ` (Your checkout is on branch ${f.branch}, not ${f.base}.)` : ''),
        next: uncommittedNext(f.base, f.files, f.branch),
      };
    case 'shallow-clone':
      return {
        code: ExitCode.config,
        message: `${f.dir} is a shallow clone: the history before its cut is not here, so phaserunner cannot tell which phases were planned there, and would plan them again. Nothing was done. (\`phaserunner audit\` works here: it judges what the clone has.)`,
        next: 'Fetch the whole history (`git fetch --unshallow`), then run this again.',
      };
    case 'record-refused': {
      const usage = `\`phaserunner ${f.verb} ${f.phase} --reason "why"\``;
      switch (f.cause) {
        case 'running':
          return { code: ExitCode.humanNeeded, message: `cannot ${f.verb} from phase ${f.phase}: ${f.detail}. Nothing was recorded.`, next: `Let it finish (\`phaserunner run --wait\`), then run ${usage} again.` };
        case 'nothing-to-do':
          return {
            code: ExitCode.usage,
            message: `nothing to ${f.verb}: ${f.detail}. Nothing was recorded.`,
            next: f.verb === 'replan' ? '`phaserunner status` shows where each phase is; `phaserunner run --wait` plans what has not run yet.' : '`phaserunner audit` shows whether any phase drifted.',
          };
        case 'bad-name':
        case 'no-reason':
          return { code: ExitCode.usage, message: `cannot ${f.verb} phase ${f.phase}: ${f.detail}. Nothing was recorded.`, next: `Run ${usage} (with --by "Your Name" when git's user.name is not set).` };
      }
      break;
    }
    case 'record-waiting':
      return {
        code: ExitCode.humanNeeded,
        message: `the ${f.kind} of phase ${f.phase} is recorded but not yet on the base branch, and nothing runs until it is: ${f.detail}`,
        next: 'Do what the message says, then run the command again: the record is published first.',
      };
    default:
      return unreachable(f);
  }
}
