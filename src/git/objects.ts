// Reads git objects through one `git cat-file --batch` for a whole audit: requests are
// pipelined (written without waiting for answers) and answered in order, so a thousand
// lookups cost one process, not a thousand.
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
  private chunks: Buffer[] = [];
  private buffered = 0;
  private failed: Error | undefined;
  private corked = false;

  constructor(cwd: string) {
    // It owes output while questions are unanswered; idle between them, it is not stuck.
    this.proc = gitProcess(['cat-file', '--batch'], { cwd, owesOutput: () => this.pending.length > 0 });
    this.proc.stdout.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      this.drain();
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

  private drain(): void {
    for (;;) {
      const head = this.pending[0];
      if (head === undefined) return;
      const buf = this.take();
      const eol = buf.indexOf(0x0a);
      if (eol < 0) return;
      const header = buf.subarray(0, eol).toString('utf8');
      if (header.endsWith(' missing') || header.endsWith(' ambiguous')) {
        this.consume(buf, eol + 1);
        this.pending.shift();
        head.resolve(undefined);
        continue;
      }
      const [oid, type, sizeText] = header.split(' ');
      const size = Number(sizeText);
      if (oid === undefined || type === undefined || !Number.isInteger(size)) {
        this.failAll(new Error(`unexpected answer from git cat-file: ${header}`));
        return;
      }
      const end = eol + 1 + size + 1; // content, then a newline
      if (buf.length < end) return;
      // A view, not a copy: callers decode it at once (and a copy per object showed in profiles).
      const content = buf.subarray(eol + 1, eol + 1 + size);
      this.consume(buf, end);
      this.pending.shift();
      head.resolve({ oid, type, content });
    }
  }

  /** All buffered output as one Buffer (joined lazily: most answers arrive whole). */
  private take(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private consume(buf: Buffer, n: number): void {
    const rest = buf.subarray(n);
    this.chunks = rest.length > 0 ? [rest] : [];
    this.buffered = rest.length;
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
