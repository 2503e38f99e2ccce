// One streaming pass over a branch's history: a single `git log`, read as it is printed.
// Children come before parents (--topo-order), so the first-parent line can be followed
// with one pointer, and only commits that carry phase trailers are handed on: memory grows
// with the number of phase runs, never with the length of history.
import { StringDecoder } from 'node:string_decoder';
import { gitProcess } from '../git/exec.js';

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
  /** Position on the first-parent line counted from the tip (0), or -1 off the line. */
  readonly position: number;
}

/** Keys that make a commit claim to be phaserunner's. */
const CLAIMS = ['Workstream', 'Phase', 'Run-Id', 'Artifacts-Digest', 'Approved-By', 'Approved-Digest'];
const FIELD = '\x01';

/**
 * Streams the commits reachable from `ref` that carry phase trailers; resolves with the
 * number of commits read.
 */
export async function streamPhaseCommits(root: string, ref: string, visit: (c: HistoryCommit) => void): Promise<number> {
  const proc = gitProcess(['log', '--topo-order', '-z', `--format=%H${FIELD}%P${FIELD}%T${FIELD}%cI${FIELD}%B`, ref, '--'], { cwd: root });
  proc.stdin.end();
  const decoder = new StringDecoder('utf8');
  let rest = '';
  let next: string | undefined; // the next commit expected on the first-parent line
  let position = 0;
  let count = 0;
  let first = true;
  const record = (text: string): void => {
    count++;
    const a = text.indexOf(FIELD);
    const b = text.indexOf(FIELD, a + 1);
    const c = text.indexOf(FIELD, b + 1);
    const d = text.indexOf(FIELD, c + 1);
    const sha = text.slice(0, a);
    const parents = text.slice(a + 1, b).split(' ').filter((p) => p !== '');
    if (first) {
      next = sha;
      first = false;
    }
    const onLine = sha === next;
    if (onLine) next = parents[0];
    const here = onLine ? position++ : -1;
    const message = text.slice(d + 1);
    // Most commits are not phaserunner's: skip them before parsing anything.
    if (!CLAIMS.some((key) => message.includes(`${key}:`))) return;
    const trailers = lastParagraph(message);
    if (!trailers.some(([key]) => CLAIMS.includes(key))) return;
    visit({ sha, parents, tree: text.slice(b + 1, c), date: text.slice(c + 1, d), subject: message.split('\n', 1)[0] ?? '', trailers, firstParent: onLine, position: here });
  };
  for await (const chunk of proc.stdout) {
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
  return count;
}

/** The last paragraph of a message read leniently, so a damaged trailer is reported, not missed. */
function lastParagraph(message: string): [string, string][] {
  const paragraphs = message.trimEnd().split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return [];
  return (paragraphs.at(-1) ?? '').split('\n').map((line): [string, string] => {
    const match = /^([A-Za-z0-9-]+): (.*)$/.exec(line);
    return match?.[1] === undefined || match[2] === undefined ? ['', line] : [match[1], match[2]];
  });
}
