// Reading objects through `git cat-file --batch`: the parser fed git's output cut at every
// kind of place (headers, contents and the newline after them split across chunks, objects
// ending exactly at a chunk's end, empty blobs, missing objects), and the ObjectReader over
// a real git with a blob that spans hundreds of pipe chunks.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { BatchParser, type BatchAnswer } from '../../src/git/batch-parser.js';
import { ObjectReader } from '../../src/git/objects.js';
import { emptyRepo } from '../helpers/git.js';
import { testEnv } from '../helpers/env.js';

type Expected = { readonly type: string; readonly content: Buffer } | { readonly missing: string };

const oidOf = (type: string, content: Buffer): string => createHash('sha1').update(`${type} ${content.length}\0`).update(content).digest('hex');

/** What `git cat-file --batch` prints for these answers. */
function batchOutput(objects: readonly Expected[]): Buffer {
  return Buffer.concat(
    objects.map((o) => ('missing' in o ? Buffer.from(`${o.missing} missing\n`) : Buffer.concat([Buffer.from(`${oidOf(o.type, o.content)} ${o.type} ${o.content.length}\n`), o.content, Buffer.from('\n')]))),
  );
}

/** The answers the parser should give for them, as `summary` shows them. */
function answersFor(objects: readonly Expected[]): string[] {
  return objects.map((o) => ('missing' in o ? 'missing' : `${oidOf(o.type, o.content)} ${o.type} ${o.content.toString('hex')}`));
}

/** Answers as short strings: comparing thousands of them as objects with buffers is slow. */
function summary(answers: readonly BatchAnswer[]): string[] {
  return answers.map((a) => (a.kind === 'missing' ? 'missing' : `${a.oid} ${a.type} ${a.content.toString('hex')}`));
}

/** Feeds `output` cut at `cuts` (offsets) and collects the answers. */
function parse(output: Buffer, cuts: readonly number[]): { answers: BatchAnswer[]; parser: BatchParser } {
  const parser = new BatchParser();
  const answers: BatchAnswer[] = [];
  let from = 0;
  for (const cut of [...cuts, output.length]) {
    answers.push(...parser.push(output.subarray(from, cut)));
    from = cut;
  }
  return { answers, parser };
}

const text = (s: string): Buffer => Buffer.from(s);
const pattern = (n: number): Buffer => Buffer.from(Array.from({ length: n }, (_, i) => (i * 7 + (i >> 8)) & 0xff));

const OBJECTS: readonly Expected[] = [
  { type: 'blob', content: text('hello\n') },
  { type: 'blob', content: Buffer.alloc(0) },
  { missing: '0000000000000000000000000000000000000000' },
  { type: 'blob', content: pattern(1000) },
  // Content that holds newlines and what looks like headers must not confuse the cutting.
  { type: 'blob', content: text('1111111111111111111111111111111111111111 blob 3\nabc\n') },
  { missing: 'HEAD:no such file' },
  { type: 'tree', content: pattern(40) },
];

describe('BatchParser', () => {
  it('gives the same answers however the output is cut: every single byte a chunk of its own', () => {
    const output = batchOutput(OBJECTS);
    const { answers, parser } = parse(
      output,
      Array.from({ length: output.length - 1 }, (_, i) => i + 1),
    );
    expect(summary(answers)).toEqual(answersFor(OBJECTS));
    expect(parser.buffered).toBe(0);
  });

  it('gives the same answers for every place one cut can fall, and every pair of places in a short stream', () => {
    const output = batchOutput(OBJECTS);
    const expected = answersFor(OBJECTS);
    for (let cut = 0; cut <= output.length; cut++) expect(summary(parse(output, [cut]).answers)).toEqual(expected);
    const short: Expected[] = [{ type: 'blob', content: text('ab') }, { type: 'blob', content: Buffer.alloc(0) }, { missing: 'x' }];
    const shortOutput = batchOutput(short);
    for (let a = 0; a <= shortOutput.length; a++) {
      for (let b = a; b <= shortOutput.length; b++) expect(summary(parse(shortOutput, [a, b]).answers)).toEqual(answersFor(short));
    }
  });

  it('reads an object split across many chunks, its content copied exactly once into a buffer of its own size', () => {
    const big = pattern(1_000_003);
    const output = batchOutput([{ type: 'blob', content: big }, { type: 'blob', content: text('after\n') }]);
    const cuts: number[] = [];
    for (let at = 65_536; at < output.length; at += 65_536) cuts.push(at);
    const { answers, parser } = parse(output, cuts);
    const [first, second] = answers;
    expect(first?.kind === 'object' && first.content.equals(big)).toBe(true);
    // A buffer of its own: not a view into a larger one, so it keeps no chunk alive.
    expect(first?.kind === 'object' && first.content.byteLength === big.length && first.content.buffer.byteLength === big.length).toBe(true);
    expect(second).toEqual({ kind: 'object', oid: oidOf('blob', text('after\n')), type: 'blob', content: text('after\n') });
    expect(parser.buffered).toBe(0);
  });

  it('answers an object as soon as its content is complete, when the chunk ends exactly there; the newline may come later', () => {
    const content = pattern(300);
    const output = batchOutput([{ type: 'blob', content }, { missing: 'gone' }]);
    const headerEnd = output.indexOf(0x0a) + 1;
    const parser = new BatchParser();
    expect(parser.push(output.subarray(0, headerEnd))).toEqual([]);
    expect(parser.push(output.subarray(headerEnd, headerEnd + 150))).toEqual([]);
    const done = parser.push(output.subarray(headerEnd + 150, headerEnd + 300));
    expect(done).toEqual([{ kind: 'object', oid: oidOf('blob', content), type: 'blob', content }]);
    expect(parser.push(output.subarray(headerEnd + 300))).toEqual([{ kind: 'missing' }]);
    expect(parser.buffered).toBe(0);
  });

  it('reads a header split across chunks and waits for the rest of it', () => {
    const output = batchOutput([{ type: 'blob', content: text('x') }]);
    const parser = new BatchParser();
    expect(parser.push(output.subarray(0, 5))).toEqual([]);
    expect(parser.push(output.subarray(5, 30))).toEqual([]);
    expect(parser.push(output.subarray(30, 45))).toEqual([]);
    expect(parser.push(output.subarray(45))).toEqual([{ kind: 'object', oid: oidOf('blob', text('x')), type: 'blob', content: text('x') }]);
  });

  it('refuses output that is not the batch format, and a content not followed by its newline', () => {
    expect(() => new BatchParser().push(text('not a header\n'))).toThrow(/unexpected answer from git cat-file: not a header/);
    expect(() => new BatchParser().push(text(`${'a'.repeat(40)} blob -1\n`))).toThrow(/unexpected answer/);
    expect(() => new BatchParser().push(text(`${'a'.repeat(40)} blob 2\nabX`))).toThrow(/no newline after an object/);
  });
});

describe('ObjectReader', () => {
  const readers: ObjectReader[] = [];
  afterEach(async () => {
    await Promise.all(readers.splice(0).map((r) => r.close()));
  });

  /** A repository holding these blobs (written with hash-object); returns it and their ids. */
  function repoWithBlobs(blobs: readonly Buffer[]): { reader: ObjectReader; oids: string[] } {
    const repo = emptyRepo();
    const oids = blobs.map((b) => execFileSync('git', ['hash-object', '-w', '--stdin'], { cwd: repo, input: b, env: testEnv(), encoding: 'utf8' }).trim());
    const reader = new ObjectReader(repo);
    readers.push(reader);
    return { reader, oids };
  }

  it('reads blobs larger than a pipe chunk, empty blobs and missing objects, pipelined, each answer to its request', async () => {
    const large = pattern(5 * 2 ** 20 + 17);
    const boundary = pattern(65_536);
    const { reader, oids } = repoWithBlobs([large, Buffer.alloc(0), boundary, text('small\n')]);
    const [largeOid = '', emptyOid = '', boundaryOid = '', smallOid = ''] = oids;
    const answers = await Promise.all([
      reader.read(largeOid),
      reader.read(emptyOid),
      reader.read('f'.repeat(40)),
      reader.read(boundaryOid),
      reader.read(largeOid),
      reader.read(smallOid),
    ]);
    const [a, empty, missing, b, again, small] = answers;
    expect(a?.oid).toBe(largeOid);
    expect(a?.type).toBe('blob');
    expect(a?.content.equals(large)).toBe(true);
    expect(empty).toEqual({ oid: emptyOid, type: 'blob', content: Buffer.alloc(0) });
    expect(missing).toBeUndefined();
    expect(b?.content.equals(boundary)).toBe(true);
    expect(again?.content.equals(large)).toBe(true);
    expect(small).toEqual({ oid: smallOid, type: 'blob', content: text('small\n') });
  });

  it('keeps answering after a missing object and after a large one', async () => {
    const large = pattern(3 * 2 ** 20);
    const { reader, oids } = repoWithBlobs([large, text('next\n')]);
    expect(await reader.read('HEAD:nothing')).toBeUndefined();
    expect((await reader.read(oids[0] ?? ''))?.content.length).toBe(large.length);
    expect((await reader.read(oids[1] ?? ''))?.content.toString()).toBe('next\n');
  });
});
