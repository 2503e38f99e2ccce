import { describe, expect, it } from 'vitest';
import { globsMayOverlap, overlapWitness } from '../../src/execution/globs-overlap.js';
import { globToRegExp } from '../../src/util/glob.js';
import { seeded } from '../helpers/random.js';

const both = (a: string, b: string, path: string): boolean => globToRegExp(a).test(path) && globToRegExp(b).test(path);

describe('globsMayOverlap: a table of claims', () => {
  const cases: readonly (readonly [string[], string[], boolean])[] = [
    [['src/a.ts'], ['src/a.ts'], true],
    [['src/a.ts'], ['src/b.ts'], false],
    [['src/*.ts'], ['src/a.ts'], true],
    [['src/*.ts'], ['src/sub/a.ts'], false],
    [['*.ts'], ['src/a.ts'], false],
    [['src/*'], ['src'], false],
    [['src/**'], ['src/sub/a.ts'], true],
    [['src/**'], ['test/**'], false],
    [['**'], ['anything/at/all.txt'], true],
    [['**/*.md'], ['docs/x.md'], true],
    [['**/*.md'], ['src/*.ts'], false],
    [['src/**/x.ts'], ['src/x.ts'], true],
    [['docs/**/*.md'], ['docs/*/index.*'], true],
    [['src/x/**'], ['src/**/y.ts'], true],
    [['src/x*'], ['src/*y'], true],
    [['a/*/c'], ['a/**/d'], false],
    [['a/*'], ['a/**'], true],
    // `**` that is not a whole segment is a `*`: it stays in one segment.
    [['a**b'], ['a/x/b'], false],
    [['a**b'], ['axyb'], true],
    [['src/{a,b}.ts'], ['src/b.ts'], true],
    [['src/{a,b}.ts'], ['src/c.ts'], false],
    [['{src,test}/**'], ['test/unit/x.ts'], true],
    [['{src,test}/**'], ['docs/**'], false],
    [['src/{a,{b,c}/d}.ts'], ['src/c/d.ts'], true],
    [['T-[0-9].md'], ['T-a.md'], false],
    [['T-[0-9].md'], ['T-?.md'], true],
    [['T-[!0-9].md'], ['T-5.md'], false],
    [['T-[!0-9].md'], ['T-x.md'], true],
    [['T-[^0-9].md'], ['T-5.md'], false],
    [['src/[a-c]*.ts'], ['src/d*.ts'], false],
    [['src/[a-c]*.ts'], ['src/b*.ts'], true],
    // The matcher's classes are RegExp classes: a negated one matches `/` too.
    [['a[!b]c'], ['a/c'], true],
    [['a?c'], ['a/c'], false],
    [['a/*', 'b/*'], ['c/*', 'b/x'], true],
    [['a/*', 'b/*'], ['c/*'], false],
    [[], ['**'], false],
    [['**'], [], false],
  ];
  for (const [a, b, expected] of cases) {
    it(`${JSON.stringify(a)} and ${JSON.stringify(b)}: ${expected ? 'may overlap' : 'disjoint'}`, () => {
      expect(globsMayOverlap(a, b)).toBe(expected);
      expect(globsMayOverlap(b, a)).toBe(expected);
    });
  }

  it('says "may overlap" for a glob it does not model, whatever the other', () => {
    // An unclosed brace (the matcher does not compile it), a class starting with `]` (the
    // RegExp reads it as an empty class), a range out of order (does not compile).
    for (const odd of ['src/{a,b', 'x[]a]', 'x[z-a]']) {
      expect(overlapWitness(odd, 'elsewhere/only.txt')).toBeUndefined();
      expect(globsMayOverlap([odd], ['elsewhere/only.txt'])).toBe(true);
    }
  });

  it('names a path both globs match when they overlap', () => {
    const witness = overlapWitness('docs/**/*.md', 'docs/*/index.*');
    expect(typeof witness).toBe('string');
    expect(both('docs/**/*.md', 'docs/*/index.*', witness ?? '')).toBe(true);
  });
});


/** A glob and a way to draw strings it is likely to match (used as candidates only). */
interface Generated {
  readonly glob: string;
  readonly draw: () => string;
}

function generator(rand: () => number) {
  const pick = <T>(xs: readonly T[]): T => {
    const x = xs[Math.floor(rand() * xs.length)];
    if (x === undefined) throw new Error('empty choice');
    return x;
  };
  const atoms: readonly (readonly [string, readonly string[]])[] = [
    ['a', ['a']],
    ['b', ['b']],
    ['c', ['c']],
    ['-', ['-']],
    ['/', ['/']],
    ['*', ['', 'a', 'bc', 'a-']],
    ['**', ['', 'a', 'a/b', 'b/', '/c']],
    ['**/', ['', 'a/', 'a/b/']],
    ['/**', ['/', '/a', '/a/b']],
    ['?', ['a', 'b', '/', '-']],
    ['[ab]', ['a', 'b']],
    ['[!a]', ['b', '/', '-']],
    ['[^b]', ['a', 'c', '/']],
    ['[a-c]', ['a', 'b', 'c']],
    ['[--/]', ['-', '.', '/']],
    ['[a-]', ['a', '-']],
  ];
  const sequence = (depth: number): Generated => {
    const parts: Generated[] = [];
    const length = 1 + Math.floor(rand() * 4);
    for (let i = 0; i < length; i++) {
      if (depth < 2 && rand() < 0.15) {
        const alternatives = [sequence(depth + 1), rand() < 0.3 ? { glob: '', draw: () => '' } : sequence(depth + 1)];
        parts.push({ glob: `{${alternatives.map((x) => x.glob).join(',')}}`, draw: () => pick(alternatives).draw() });
      } else {
        const [glob, samples] = pick(atoms);
        parts.push({ glob, draw: () => pick(samples) });
      }
    }
    return { glob: parts.map((p) => p.glob).join(''), draw: () => parts.map((p) => p.draw()).join('') };
  };
  return () => sequence(0);
}

/** Every string over `a`, `b`, `/` and `-` up to four characters. */
function smallStrings(): string[] {
  const out = [''];
  let layer = [''];
  for (let n = 0; n < 4; n++) {
    layer = layer.flatMap((s) => ['a', 'b', '/', '-'].map((c) => s + c));
    out.push(...layer);
  }
  return out;
}

describe('globsMayOverlap against the real matcher, on random globs', () => {
  it('never says "disjoint" when a path matches both, and every witness matches both', () => {
    const rand = seeded(17);
    const next = generator(rand);
    const small = smallStrings();
    let overlapping = 0;
    let disjoint = 0;
    for (let n = 0; n < 1500; n++) {
      const x = next();
      const y = next();
      const candidates = [...small];
      for (let k = 0; k < 40; k++) candidates.push(x.draw(), y.draw());
      const witness = overlapWitness(x.glob, y.glob);
      // Every generated glob is one the automaton models (no unclosed brace, no odd class).
      expect(witness, `${x.glob} / ${y.glob}`).not.toBeUndefined();
      if (witness === null) {
        disjoint++;
        const shared = candidates.find((path) => both(x.glob, y.glob, path));
        expect(shared, `"${x.glob}" and "${y.glob}" both match "${shared ?? ''}"`).toBeUndefined();
        expect(globsMayOverlap([x.glob], [y.glob])).toBe(false);
      } else {
        overlapping++;
        expect(both(x.glob, y.glob, witness ?? ''), `"${x.glob}" and "${y.glob}" said to meet on "${witness ?? ''}"`).toBe(true);
        expect(globsMayOverlap([x.glob], [y.glob])).toBe(true);
      }
    }
    // The generator must exercise both answers, or the test proves little.
    expect(overlapping).toBeGreaterThan(200);
    expect(disjoint).toBeGreaterThan(200);
  });
});
