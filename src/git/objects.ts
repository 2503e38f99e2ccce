// Reads git objects through one `git cat-file --batch` for a whole audit: requests are
// pipelined (written without waiting for answers) and answered in order, so a thousand
// lookups cost one process, not a thousand.
import { BatchParser, type BatchAnswer } from './batch-parser.js';
import { gitProcess, type GitProcess } from './exec.js';

export interface GitObject {
  readonly oid: string;
  readonly type: string;
  readonly content: Buffer;
}

export interface TreeEntry {
  readonly mode: string;
  readonly name: string;
  readonly oid: string;
}

interface Pending {
  readonly resolve: (object: GitObject | undefined) => void;
  readonly reject: (error: unknown) => void;
}

export class ObjectReader {
  private readonly proc: GitProcess;
  private readonly pending: Pending[] = [];
  private readonly parser = new BatchParser();
  private failed: Error | undefined;
  private corked = false;

  constructor(cwd: string) {
    // It owes output while questions are unanswered; idle between them, it is not stuck.
    this.proc = gitProcess(['cat-file', '--batch'], { cwd, owesOutput: () => this.pending.length > 0 });
    this.proc.stdout.on('data', (chunk: Buffer) => {
      this.answer(chunk);
    });
    this.proc.done.then(
      () => {
        this.failAll(new Error('git cat-file ended before answering'));
      },
      (error: unknown) => {
        this.failAll(error);
      },
    );
  }

  /** An object by id or `<tree-ish>:<path>`; undefined when it does not exist. */
  read(spec: string): Promise<GitObject | undefined> {
    if (this.failed !== undefined) return Promise.reject(this.failed);
    if (/[\n\r]/.test(spec)) return Promise.resolve(undefined);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      // Requests made in the same tick go out in one write: a write per request costs a
      // system call each, and was the largest single cost of an audit.
      if (!this.corked) {
        this.corked = true;
        this.proc.stdin.cork();
        process.nextTick(() => {
          this.corked = false;
          this.proc.stdin.uncork();
        });
      }
      this.proc.stdin.write(`${spec}\n`);
    });
  }

  async close(): Promise<void> {
    this.proc.stdin.end();
    await this.proc.done.catch(() => undefined);
  }

  /** Hands the answers a chunk completes to the requests, in order (git answers in order). */
  private answer(chunk: Buffer): void {
    if (this.failed !== undefined) return;
    let answers: BatchAnswer[];
    try {
      // An object's content is a view into git's output when it came in one chunk (callers
      // decode it at once; a copy per object showed in profiles), else copied once.
      answers = this.parser.push(chunk);
    } catch (error) {
      this.failAll(error);
      this.proc.kill();
      return;
    }
    for (const answer of answers) {
      const head = this.pending.shift();
      if (head === undefined) {
        this.failAll(new Error('git cat-file answered a request that was not made'));
        this.proc.kill();
        return;
      }
      head.resolve(answer.kind === 'object' ? { oid: answer.oid, type: answer.type, content: answer.content } : undefined);
    }
  }

  private failAll(error: unknown): void {
    this.failed ??= error instanceof Error ? error : new Error('git cat-file failed');
    for (const p of this.pending.splice(0)) p.reject(error);
  }
}

/** Parses a raw tree object: `<mode> <name>\0<hash>` repeated. */
export function parseTree(content: Buffer, hashBytes: number): TreeEntry[] {
  const entries: TreeEntry[] = [];
  let i = 0;
  while (i < content.length) {
    const space = content.indexOf(0x20, i);
    const nul = content.indexOf(0, space);
    if (space < 0 || nul < 0) break;
    entries.push({
      mode: content.subarray(i, space).toString('latin1'),
      name: content.subarray(space + 1, nul).toString('utf8'),
      oid: content.subarray(nul + 1, nul + 1 + hashBytes).toString('hex'),
    });
    i = nul + 1 + hashBytes;
  }
  return entries;
}
