// A glob of src/util/glob.ts as a finite automaton over code units, so that two globs can be
// intersected (globs-overlap.ts). The reading below mirrors `compileGlob` token for token, quirks
// included (a `**` that is not a whole segment is a `*`; a `[...]` body goes into the RegExp as
// it is, so `[^...]` negates like `[!...]` and a class may match `/`): the automaton must match
// exactly the paths the matcher does, or the scheduler could run two tasks on one file. Where
// the RegExp would be something this reading does not model (an unclosed `{`, a class whose
// body starts with `]`, a range out of order: the matcher throws or reads it another way), the
// glob is `undefined`: unknown, which the caller takes as "may overlap anything".
import { ANY, complement, NOT_LINE_END, NOT_SLASH, normalise, single, SLASH, type CharSet } from './char-set.js';

/** A move that reads one code unit of a set. */
export interface Move {
  readonly set: CharSet;
  readonly to: number;
}

/**
 * Without moves that read nothing (they are folded into the states they start from), so that
 * the product of two automata only steps on characters: that is what keeps it fast.
 */
export interface Automaton {
  readonly start: number;
  /** By state: the moves from it, or from any state it reaches without reading. */
  readonly moves: readonly (readonly Move[])[];
  /** By state: the glob's end is reached from it without reading. */
  readonly accepting: readonly boolean[];
}

/** A state while building: moves that read no character, and moves that read one. */
interface State {
  readonly eps: number[];
  readonly edges: Move[];
}

type Item =
  | { readonly kind: 'char'; readonly set: CharSet }
  | { readonly kind: 'star'; readonly set: CharSet }
  | { readonly kind: 'segments' }
  | { readonly kind: 'group'; readonly alternatives: Item[][] };

/** The automaton of a glob, or undefined when its RegExp is not one this reading models. */
export function globAutomaton(glob: string): Automaton | undefined {
  const items = parse(glob);
  if (items === undefined) return undefined;
  const states: State[] = [];
  const add = (): number => states.push({ eps: [], edges: [] }) - 1;
  const start = add();
  const accept = build(items, start, states, add);
  return withoutEmptyMoves(states, start, accept);
}

function withoutEmptyMoves(states: readonly State[], start: number, accept: number): Automaton {
  const moves: Move[][] = [];
  const accepting: boolean[] = [];
  for (let from = 0; from < states.length; from++) {
    const reached = new Set([from]);
    const stack = [from];
    for (let at = stack.pop(); at !== undefined; at = stack.pop()) {
      for (const next of states[at]?.eps ?? []) {
        if (reached.has(next)) continue;
        reached.add(next);
        stack.push(next);
      }
    }
    moves.push([...reached].flatMap((at) => states[at]?.edges ?? []));
    accepting.push(reached.has(accept));
  }
  return { start, moves, accepting };
}

function parse(glob: string): Item[] | undefined {
  // The group being read is the innermost open `{`; `,` starts its next alternative.
  const root: Item[] = [];
  const open: { alternatives: Item[][]; outer: Item[] }[] = [];
  let seq = root;
  let i = 0;
  while (i < glob.length) {
    const c = glob.charAt(i);
    if (c === '*') {
      if (glob.charAt(i + 1) === '*') {
        const atStart = i === 0 || glob.charAt(i - 1) === '/';
        const atEnd = i + 2 === glob.length || glob.charAt(i + 2) === '/';
        if (atStart && atEnd) {
          // A trailing `**` is `.*`; `**/` is `(?:[^/]+/)*`, zero or more whole segments.
          seq.push(i + 2 === glob.length ? { kind: 'star', set: NOT_LINE_END } : { kind: 'segments' });
          i += i + 2 === glob.length ? 2 : 3;
          continue;
        }
      }
      seq.push({ kind: 'star', set: NOT_SLASH });
      i += glob.charAt(i + 1) === '*' ? 2 : 1;
    } else if (c === '?') {
      seq.push({ kind: 'char', set: NOT_SLASH });
      i++;
    } else if (c === '[') {
      const close = glob.indexOf(']', i + 2);
      if (close === -1) {
        seq.push({ kind: 'char', set: single(code(c)) });
        i++;
      } else {
        const set = classSet(glob.slice(i + 1, close));
        if (set === undefined) return undefined;
        seq.push({ kind: 'char', set });
        i = close + 1;
      }
    } else if (c === '{') {
      const first: Item[] = [];
      const alternatives = [first];
      seq.push({ kind: 'group', alternatives });
      open.push({ alternatives, outer: seq });
      seq = first;
      i++;
    } else if (c === '}' && open.length > 0) {
      seq = open.pop()?.outer ?? root;
      i++;
    } else if (c === ',' && open.length > 0) {
      const next: Item[] = [];
      open[open.length - 1]?.alternatives.push(next);
      seq = next;
      i++;
    } else {
      seq.push({ kind: 'char', set: single(code(c)) });
      i++;
    }
  }
  // An unclosed `{` leaves an unclosed `(?:` in the RegExp, which does not compile.
  return open.length === 0 ? root : undefined;
}

const code = (c: string): number => c.charCodeAt(0);

/**
 * The set a class body stands for, read as the RegExp reads `[body]` (the matcher turns a
 * leading `!` into `^` and keeps a leading `^`). Every other character is literal there,
 * `-` between two characters included, as JavaScript reads a class without the `u` flag.
 */
function classSet(body: string): CharSet | undefined {
  const negated = body.startsWith('!') || body.startsWith('^');
  const rest = negated ? body.slice(1) : body;
  // `[]...]`: the RegExp has an empty class `[]` and reads the rest outside any class.
  if (rest.startsWith(']')) return undefined;
  const ranges: [number, number][] = [];
  let i = 0;
  while (i < rest.length) {
    const lo = rest.charCodeAt(i);
    if (rest.charAt(i + 1) === '-' && i + 2 < rest.length) {
      const hi = rest.charCodeAt(i + 2);
      // The RegExp refuses to compile ("range out of order"): not modelled.
      if (lo > hi) return undefined;
      ranges.push([lo, hi]);
      i += 3;
    } else {
      ranges.push([lo, lo]);
      i++;
    }
  }
  const set = normalise(ranges);
  if (!negated) return set;
  // `[^]` matches any code unit at all, line terminators included.
  return set.length === 0 ? ANY : complement(set);
}

/** Adds the states of a sequence after `from`; returns the state reached at its end. */
function build(items: readonly Item[], from: number, states: State[], add: () => number): number {
  let at = from;
  const state = (n: number): State => {
    const s = states[n];
    if (s === undefined) throw new Error(`glob automaton: no state ${n}`);
    return s;
  };
  for (const item of items) {
    if (item.kind === 'char') {
      const to = add();
      state(at).edges.push({ set: item.set, to });
      at = to;
    } else if (item.kind === 'star') {
      // A fresh state that loops on itself, so the loop cannot be taken from elsewhere.
      const loop = add();
      state(at).eps.push(loop);
      state(loop).edges.push({ set: item.set, to: loop });
      at = loop;
    } else if (item.kind === 'segments') {
      // (?:[^/]+/)*: from `head`, one or more non-slashes then a slash, back to `head`.
      const head = add();
      const inSegment = add();
      state(at).eps.push(head);
      state(head).edges.push({ set: NOT_SLASH, to: inSegment });
      state(inSegment).edges.push({ set: NOT_SLASH, to: inSegment }, { set: SLASH, to: head });
      at = head;
    } else {
      const end = add();
      for (const alternative of item.alternatives) {
        const first = add();
        state(at).eps.push(first);
        state(build(alternative, first, states, add)).eps.push(end);
      }
      at = end;
    }
  }
  return at;
}
