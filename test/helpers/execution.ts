// Execution history written by hand, exactly as the git contract says the runner writes it
// (docs/git-contract.md, "Execution"): a task commit on `phaserunner/execution/<id>` whose
// parent is the base tip the task started from, and its merge into the base (parents: the base
// tip, the task commit), both with the task trailers. The messages come from the runner's own
// writer (buildTaskMessage, planDigestOf); the Artifacts-Digests are computed here from the
// documented definition, with git's listing, not with phaserunner's code.
import { createHash } from 'node:crypto';
import { buildTaskMessage, planDigestOf } from '../../src/git/task-trailers.js';
import type { ApprovalTrailers } from '../../src/git/trailers.js';
import { git } from './git.js';
import { commitTree, treeWith } from './tamper.js';

export interface TaskWork {
  readonly id: string;
  readonly title: string;
  /** The task's writes, as its plan has them (paths, `*` and `**` globs). */
  readonly writes: readonly string[];
  /** What the agent wrote: path -> content. */
  readonly files: Readonly<Record<string, string>>;
  /** The blob id of the planning/tasks.json it came from. */
  readonly plan: string;
  readonly runId: string;
  readonly attempt?: number;
  readonly agent?: string;
  readonly exitCode?: number;
}

/** A glob of the plan as a regular expression: `*` within a directory, `**` across them. */
function globRegExp(glob: string): RegExp {
  const source = glob
    .split('**')
    .map((part) => part.split('*').map((s) => s.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('[^/]*'))
    .join('.*');
  return new RegExp(`^${source}$`);
}

/** The Artifacts-Digest over `writes` at a tree or commit: sha256 over `path NUL oid LF`, by path bytes. */
export function writesDigest(repo: string, treeish: string, writes: readonly string[]): string {
  const res = writes.map(globRegExp);
  const files = git(repo, 'ls-tree', '-r', '-z', '--full-tree', treeish)
    .split('\0')
    .filter((line) => line !== '')
    .map((line) => {
      const tab = line.indexOf('\t');
      return { path: line.slice(tab + 1), oid: line.slice(0, tab).split(' ')[2] ?? '' };
    })
    .filter((f) => res.some((re) => re.test(f.path)))
    .sort((a, b) => Buffer.compare(Buffer.from(a.path), Buffer.from(b.path)));
  const hash = createHash('sha256');
  for (const f of files) hash.update(`${f.path}\0${f.oid}\n`);
  return `sha256:${hash.digest('hex')}`;
}

function message(subject: string, work: TaskWork, artifactsDigest: string, approval?: ApprovalTrailers): string {
  const trailers = {
    workstream: 'execution',
    task: work.id,
    runId: work.runId,
    attempt: work.attempt ?? 1,
    agent: work.agent ?? 'scripted',
    exitCode: work.exitCode ?? 0,
    artifactsDigest,
    planDigest: planDigestOf(work.plan),
  };
  return buildTaskMessage(subject, [], trailers, approval).replace(/\n+$/, '');
}

/** The runner's commit of the agent's work, on `from` (default: main's tip); its branch is set to it. */
export function taskCommit(repo: string, work: TaskWork, from = git(repo, 'rev-parse', 'main')): string {
  let tree = git(repo, 'rev-parse', `${from}^{tree}`);
  for (const [path, content] of Object.entries(work.files)) tree = treeWith(repo, tree, path, content);
  const commit = commitTree(repo, { tree, parents: [from], message: message(`execution: ${work.id} ${work.title}`, work, writesDigest(repo, tree, work.writes)) });
  git(repo, 'update-ref', `refs/heads/phaserunner/execution/${work.id}`, commit);
  return commit;
}

/**
 * The task commit merged into main's tip (`git merge-tree`, as the merge queue does), main moved
 * to the merge. `tree`: the merge's tree instead (a tamper's). `approval`: its Approved-*
 * trailers (Approved-Digest: the task commit's Artifacts-Digest unless given).
 */
export function mergeTask(repo: string, work: TaskWork, commit: string, options: { tree?: string; approval?: Omit<ApprovalTrailers, 'digest'> & { digest?: string } } = {}): string {
  const tip = git(repo, 'rev-parse', 'main');
  const tree = options.tree ?? (git(repo, 'merge-tree', '--write-tree', tip, commit).split('\n')[0] ?? '');
  const a = options.approval;
  const approval = a === undefined ? undefined : { by: a.by, at: a.at, digest: a.digest ?? writesDigest(repo, commit, work.writes) };
  const merge = commitTree(repo, { tree, parents: [tip, commit], message: message(`execution: merge ${work.id} ${work.title}`, work, writesDigest(repo, tree, work.writes), approval) });
  git(repo, 'update-ref', 'refs/heads/main', merge, tip);
  return merge;
}

/** A task commit on main's tip, merged: what a task that passed on its first try leaves. */
export function landTask(repo: string, work: TaskWork, options: Parameters<typeof mergeTask>[3] = {}): { commit: string; merge: string } {
  const commit = taskCommit(repo, work);
  return { commit, merge: mergeTask(repo, work, commit, options) };
}
