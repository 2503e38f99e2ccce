// One streaming pass over a branch's history: a single `git log`, read as it is printed, and
// only commits that carry phase trailers are handed on. The first-parent line is followed with
// one pointer, which needs children before parents. git's default order gives that as soon as
// it starts printing; `--topo-order` guarantees it but prints nothing until it has walked the
// whole history. So the fast order is read first, and a pass whose pointer lost the line
// (clock skew: a parent dated after its child) tells the caller to read again in topo order.
import { StringDecoder } from 'node:string_decoder';
import { gitProcess } from '../git/exec.js';
import { resolveCommit } from '../git/repo.js';
import { lastParagraph } from '../git/trailers.js';
import { fail } from '../failures.js';

export interface HistoryCommit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly tree: string;
  readonly subject: string;
  /** Committer date, ISO 8601. */
  readonly date: string;
  /** The last paragraph as trailers, in order (duplicates kept); a line that is not `Key: value` has the key ''. */
  readonly trailers: readonly (readonly [string, string])[];
  /** On the branch's first-parent line (the base's own history), not brought in by a merge. */
  readonly firstParent: boolean;
}

/** Keys that make a commit claim to be phaserunner's. */
const CLAIMS = ['Workstream', 'Phase', 'Run-Id', 'Artifacts-Digest', 'Approved-By', 'Approved-Digest'];
const FIELD = '\x01';

export interface StreamResult {
  /** Commits read. */
  readonly commits: number;
  /**
   * Whether the first-parent line was followed to its root. False only in the fast order,
   * when a commit arrived before its child; `firstParent` flags are then unreliable.
   */
  readonly ordered: boolean;
}

/** Streams the commits reachable from `ref` that carry phase trailers. */
export async function streamPhaseCommits(root: string, ref: string, visit: (c: HistoryCommit) => void, order: 'fast' | 'topo' = 'fast'): Promise<StreamResult> {
  const proc = gitProcess(['log', ...(order === 'topo' ? ['--topo-order'] : []), '-z', `--format=%H${FIELD}%P${FIELD}%T${FIELD}%cI${FIELD}%B`, ref, '--'], {
    cwd: root,
    // Into a pipe, git flushes after every commit: thousands of tiny reads. Buffered instead.
    env: { GIT_FLUSH: '0' },
  });
  proc.stdin.end();
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let next: string | undefined; // the next commit expected on the first-parent line
  let count = 0;
  const record = (text: string): void => {
    count++;
    const a = text.indexOf(FIELD);
    const b = text.indexOf(FIELD, a + 1);
    const c = text.indexOf(FIELD, b + 1);
    const d = text.indexOf(FIELD, c + 1);
    const sha = text.slice(0, a);
    const parents = text.slice(a + 1, b).split(' ').filter((p) => p !== '');
    if (count === 1) next = sha; // the tip
    const onLine = sha === next;
    if (onLine) next = parents[0];
    const message = text.slice(d + 1);
    // Most commits are not phaserunner's: skip them before parsing anything.
    if (!CLAIMS.some((key) => message.includes(`${key}:`))) return;
    const trailers = lastParagraph(message);
    if (!trailers.some(([key]) => CLAIMS.includes(key))) return;
    visit({ sha, parents, tree: text.slice(b + 1, c), date: text.slice(c + 1, d), subject: message.split('\n', 1)[0] ?? '', trailers, firstParent: onLine });
  };
  for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
    rest += decoder.write(chunk);
    let start = 0;
    for (let nul = rest.indexOf('\0'); nul >= 0; nul = rest.indexOf('\0', start)) {
      record(rest.slice(start, nul));
      start = nul + 1;
    }
    rest = rest.slice(start);
  }
  rest += decoder.end();
  if (rest.trim() !== '') record(rest);
  await proc.done;
  return { commits: count, ordered: next === undefined };
}


/** The commit a branch (or, on a fresh clone, origin's branch of that name) points at. */
export async function resolveTip(root: string, ref: string): Promise<string> {
  return (await resolveCommit(root, ref)) ?? (await resolveCommit(root, `refs/remotes/origin/${ref}`)) ?? fail({ reason: 'base-missing', base: ref });
}
