// Sets of UTF-16 code units, as sorted, disjoint, non-adjacent inclusive ranges. The glob
// matcher (src/util/glob.ts) compiles to a JavaScript RegExp without the `u` flag, which matches
// code unit by code unit: so do the automata built from globs here, with these sets as labels.

export type CharSet = readonly (readonly [number, number])[];

const MAX = 0xffff;

/** Sorts and merges ranges, so that two sets compare range by range. */
export function normalise(ranges: readonly (readonly [number, number])[]): CharSet {
  const sorted = [...ranges].sort((x, y) => x[0] - y[0]);
  const out: [number, number][] = [];
  for (const [lo, hi] of sorted) {
    const last = out[out.length - 1];
    if (last !== undefined && lo <= last[1] + 1) last[1] = Math.max(last[1], hi);
    else out.push([lo, hi]);
  }
  return out;
}

/** Every code unit not in the set. */
export function complement(set: CharSet): CharSet {
  const out: [number, number][] = [];
  let next = 0;
  for (const [lo, hi] of set) {
    if (lo > next) out.push([next, lo - 1]);
    next = hi + 1;
  }
  if (next <= MAX) out.push([next, MAX]);
  return out;
}

export function single(code: number): CharSet {
  return [[code, code]];
}

const code = (c: string): number => c.charCodeAt(0);

/** `[^/]`: what `*` and `?` match, one segment's character. */
export const NOT_SLASH: CharSet = complement(single(code('/')));
/** `.`: a trailing `**`, which spans segments but, like any `.`, not a line terminator. */
export const NOT_LINE_END: CharSet = complement(normalise([[0x0a, 0x0a], [0x0d, 0x0d], [0x2028, 0x2029]]));
export const ANY: CharSet = [[0, MAX]];
export const SLASH: CharSet = single(code('/'));

/**
 * A code unit in both sets, or undefined when they are disjoint. A printable one when there is
 * (the witness a test shows when it fails is then readable).
 */
export function commonChar(a: CharSet, b: CharSet): number | undefined {
  let first: number | undefined;
  let i = 0;
  let j = 0;
  while (i < a.length && j < b.length) {
    const x = a[i];
    const y = b[j];
    if (x === undefined || y === undefined) break;
    const lo = Math.max(x[0], y[0]);
    const hi = Math.min(x[1], y[1]);
    if (lo <= hi) {
      if (hi >= 0x21) return Math.max(lo, 0x21);
      first ??= lo;
    }
    if (x[1] < y[1]) i++;
    else j++;
  }
  return first;
}
