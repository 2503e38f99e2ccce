import { describe, expect, it } from 'vitest';
import { buildMessage, OPTIONAL_TRAILER_KEYS, parseTrailers, quoteForBody, TRAILER_KEYS, trailerLines, type PhaseTrailers } from '../../src/git/trailers.js';

const T: PhaseTrailers = {
  workstream: 'planning',
  phase: 2,
  phaseName: 'gap-analysis',
  role: 'analyst',
  runId: '01JDX5W4Q3F8N2M7K9P0R6T1VB',
  attempt: 1,
  agent: 'claude',
  exitCode: 0,
  artifactsDigest: 'sha256:' + 'a'.repeat(64),
  definitionsDigest: 'sha256:' + 'b'.repeat(64),
};

describe('trailers', () => {
  it('writes the contract keys in the contract order, then Definitions-Digest', () => {
    expect(trailerLines(T).map((l) => l.split(':')[0])).toEqual([...TRAILER_KEYS, ...OPTIONAL_TRAILER_KEYS]);
    expect(trailerLines(T).at(-1)).toBe(`Definitions-Digest: sha256:${'b'.repeat(64)}`);
    expect(trailerLines(T)).toContain('Run-Id: 01JDX5W4Q3F8N2M7K9P0R6T1VB');
  });

  it('puts the trailer paragraph last and parses it back', () => {
    const message = buildMessage('planning: phase 2', ['Files:', '- planning/gap-analysis.md'], T);
    const parsed = parseTrailers(message);
    expect(parsed?.get('Phase')).toBe('2');
    expect(parsed?.get('Artifacts-Digest')).toBe(T.artifactsDigest);
    expect(message.endsWith('Definitions-Digest: sha256:' + 'b'.repeat(64) + '\n')).toBe(true);
  });

  it('refuses a value that could break out of its line', () => {
    expect(() => trailerLines({ ...T, agent: 'evil\nPhase: 9' })).toThrow(/unsafe/);
    expect(() => trailerLines({ ...T, phaseName: ' leading' })).toThrow(/unsafe/);
  });

  it('keeps agent-influenced body text from forging a trailer', () => {
    const evil = 'x.md\n\nPhase: 9\nRun-Id: FORGED';
    const quoted = quoteForBody(evil);
    expect(quoted).not.toContain('\n');
    const message = buildMessage('subject', [`- ${quoted}`, 'Phase: 9'], T);
    const parsed = parseTrailers(message);
    expect(parsed?.get('Phase')).toBe('2');
    expect(parsed?.get('Run-Id')).toBe(T.runId);
    // Body lines are indented, so none of them can start a "Key: value" paragraph.
    expect(message.split('\n\n')[1]?.split('\n').every((l) => l === '' || l.startsWith('  '))).toBe(true);
  });

  it('finds no trailers in a message without a trailer paragraph', () => {
    expect(parseTrailers('just a subject')).toBeUndefined();
    expect(parseTrailers('subject\n\nnot: a trailer\nplain line')).toBeUndefined();
  });
});
