// One streaming pass over a branch's history: a single `git log`, read as it is printed, and
// only commits that carry phase trailers are handed on. The first-parent line is followed with
// one pointer, which needs children before parents. git's default order gives that as soon as
// it starts printing; `--topo-order` guarantees it but prints nothing until it has walked the
// whole history. So the fast order is read first, and a pass whose pointer lost the line
// (clock skew: a parent dated after its child) tells the caller to read again in topo order.
import { gitProcess } from '../git/exec.js';
import { refTips, type Governing } from '../definitions/base.js';
import { resolveCommit } from '../git/repo.js';
import type { Shallow } from '../git/shallow.js';
import { lastParagraph } from '../git/trailers.js';
import { fail } from '../failures.js';

export interface HistoryCommit {
  readonly sha: string;
  readonly parents: readonly string[];
  readonly tree: string;
  readonly subject: string;
  /** The message between the subject and the trailer paragraph, without the blank lines around it. */
  readonly body: string;
  /** Committer date, ISO 8601. */
  readonly date: string;
  /** The last paragraph as trailers, in order (duplicates kept); a line that is not `Key: value` has the key ''. */
  readonly trailers: readonly (readonly [string, string])[];
  /** On the branch's first-parent line (the base's own history), not brought in by a merge. */
  readonly firstParent: boolean;
  /** Position in the stream, 0 for the tip: findings are listed oldest first by it. */
  readonly index: number;
}

/**
 * A commit's trailers as one value per key: the first, as the audit reads them (a duplicate is
 * a finding, never a second answer); lines that are not trailers are left out.
 */
export function firstValues(trailers: HistoryCommit['trailers']): Map<string, string> {
  const values = new Map<string, string>();
  for (const [key, value] of trailers) if (key !== '' && !values.has(key)) values.set(key, value);
  return values;
}

/** Keys that make a commit claim to be phaserunner's. */
const CLAIMS = ['Workstream', 'Phase', 'Run-Id', 'Artifacts-Digest', 'Approved-By', 'Approved-Digest'];
const MARKERS = CLAIMS.map((key) => Buffer.from(`${key}:`));
const COLON = 0x3a;
const FIELD = 0x01;

export interface StreamResult {
  /** Commits read. */
  readonly commits: number;
  /**
   * Whether the first-parent line was followed to its root. False only in the fast order,
   * when a commit arrived before its child; `firstParent` flags are then unreliable.
   */
  readonly ordered: boolean;
  /** The last commit read on the first-parent line: the root, or in a shallow clone perhaps where its history is cut. */
  readonly lineEnd: string | undefined;
  /** Commits read that a shallow clone lists as cut (git log showed them without parents), newest first. */
  readonly boundary: readonly string[];
}

/**
 * Streams the commits reachable from `ref` that carry phase trailers. `order`: git's fast
 * default; `topo` when that lost the first-parent line; `first-parent` for the base's own line
 * only (cheaper, when side commits do not matter). `shallow`: in a shallow clone, the commits
 * at the cut are handed on with the parents their objects name, so a merge there is a merge.
 */
export async function streamPhaseCommits(
  root: string,
  ref: string,
  visit: (c: HistoryCommit) => void,
  order: 'fast' | 'topo' | 'first-parent' = 'fast',
  shallow?: Shallow,
): Promise<StreamResult> {
  const orderArgs = order === 'topo' ? ['--topo-order'] : order === 'first-parent' ? ['--first-parent'] : [];
  const proc = gitProcess(['log', ...orderArgs, '-z', '--format=%H%x01%P%x01%T%x01%cI%x01%B', ref, '--'], {
    cwd: root,
    // Into a pipe, git flushes after every commit: thousands of tiny reads. Buffered instead.
    env: { GIT_FLUSH: '0' },
  });
  proc.stdin.end();
  // Awaited below; handled from the start so an early exit is never an unhandled rejection.
  proc.done.catch(() => undefined);
  let next: string | undefined; // the next commit expected on the first-parent line
  let lineEnd: string | undefined;
  const boundary: string[] = [];
  let count = 0;
  // Records are read from the bytes, and only a claiming commit's message is decoded: strings
  // cut from a decoded chunk would keep the whole chunk alive for as long as the commit is
  // kept, and memory would grow with the history instead of with the phase runs.
  const record = (buf: Buffer, start: number, end: number): void => {
    count++;
    const a = buf.indexOf(FIELD, start);
    const b = buf.indexOf(FIELD, a + 1);
    const c = buf.indexOf(FIELD, b + 1);
    const d = buf.indexOf(FIELD, c + 1);
    if (a < 0 || d < 0 || d >= end) throw new Error(`git log printed a record the audit cannot read: ${JSON.stringify(buf.toString('utf8', start, Math.min(end, start + 80)))}`);
    const sha = buf.toString('latin1', start, a);
    const parentList = buf.toString('latin1', a + 1, b);
    if (count === 1) next = sha; // the tip
    const onLine = sha === next;
    // The line is followed as git log shows it: it ends at a shallow clone's cut.
    if (onLine) {
      next = firstWord(parentList);
      lineEnd = sha;
    }
    const real = shallow?.parents.get(sha);
    if (real !== undefined) boundary.push(sha);
    // Most commits are not phaserunner's: skip them before decoding anything.
    const body = buf.subarray(d + 1, end);
    if (!body.includes(COLON) || !MARKERS.some((marker) => body.includes(marker))) return;
    const message = body.toString('utf8');
    const trailers = lastParagraph(message);
    if (!trailers.some(([key]) => CLAIMS.includes(key))) return;
    const parents = real ?? parentList.split(' ').filter((p) => p !== '');
    visit({ sha, parents, tree: buf.toString('latin1', b + 1, c), date: buf.toString('latin1', c + 1, d), subject: message.split('\n', 1)[0] ?? '', body: bodyOf(message), trailers, firstParent: onLine, index: count - 1 });
  };
  let parts: Buffer[] = []; // a record that spans chunks, joined once its end arrives
  try {
    for await (const chunk of proc.stdout as AsyncIterable<Buffer>) {
      let nul = chunk.indexOf(0);
      if (nul < 0) {
        parts.push(chunk);
        continue;
      }
      const buf = parts.length === 0 ? chunk : Buffer.concat([...parts, chunk]);
      if (parts.length > 0) nul = buf.indexOf(0);
      parts = [];
      let start = 0;
      for (; nul >= 0; nul = buf.indexOf(0, start)) {
        record(buf, start, nul);
        start = nul + 1;
      }
      if (start < buf.length) parts.push(buf.subarray(start));
    }
    const last = Buffer.concat(parts);
    if (last.toString('utf8').trim() !== '') record(last, 0, last.length);
  } catch (error) {
    // The visitor (or the parse) gave up: stop git, and let its exit not become an
    // unhandled rejection.
    proc.kill();
    await proc.done.catch(() => undefined);
    throw error;
  }
  await proc.done;
  return { commits: count, ordered: next === undefined, lineEnd, boundary };
}

/** What lies between the subject's paragraph and the last (trailer) paragraph. */
function bodyOf(message: string): string {
  const paragraphs = message.trimEnd().split(/\n[ \t]*\n/);
  return paragraphs.slice(1, -1).join('\n\n');
}

function firstWord(text: string): string | undefined {
  const space = text.indexOf(' ');
  const word = space < 0 ? text : text.slice(0, space);
  return word === '' ? undefined : word;
}

/**
 * The commit to read: `ref` when given (as git resolves it, or origin's branch of that name on
 * a fresh clone; a name that is both a branch (local, else origin's) and a tag is refused,
 * never silently one of them), else the base branch as the definitions resolved it (`refs/heads/<base>`, or origin's).
 */
export async function resolveTip(root: string, target: { readonly ref?: string | undefined; readonly governing: Governing }): Promise<string> {
  const { ref, governing } = target;
  if (ref === undefined) return governing.commit ?? fail({ reason: 'base-missing', base: governing.base });
  if (!ref.startsWith('refs/') && !/^[0-9a-f]{4,64}$/i.test(ref)) {
    const origin = `refs/remotes/origin/${ref}`;
    const named = await refTips(root, [`refs/heads/${ref}`, `refs/tags/${ref}`, `refs/remotes/${ref}`, origin], true);
    // Where there is no local branch of that name (a CI checkout), origin's is what it means,
    // and a tag of that name must not silently stand in for it.
    if (named.has(`refs/heads/${ref}`)) named.delete(origin);
    if (named.size > 1) fail({ reason: 'ref-ambiguous', ref, candidates: [...named.keys()] });
  }
  const tip = (await resolveCommit(root, ref)) ?? (await resolveCommit(root, `refs/remotes/origin/${ref}`));
  return tip ?? fail({ reason: 'ref-missing', ref });
}
