// Whether two tasks' `writes` claims may name a common file. The scheduler never has two tasks
// in flight whose claims may overlap, so this must never answer "no" when some path matches a
// glob of each: it intersects the globs' automata (glob-automaton.ts), which match exactly what
// src/util/glob.ts matches, and answers "yes" when some string is in both. That is exact for the
// strings the matcher accepts, a superset of the paths git can hold (`a/**` and `a[/]/b` meet
// only on "a//b", which is no path), so the answer errs only towards "may overlap", as it must.
// A glob the automaton does not model (one the matcher would not compile) may overlap anything.
import { commonChar } from './char-set.js';
import { globAutomaton, type Automaton } from './glob-automaton.js';

const automata = new Map<string, Automaton | undefined>();
const pairs = new Map<string, string | null>();
// The scheduler asks about the same few globs on every pass: both caches stay small in
// practice, and are dropped whole past this many entries rather than grow without bound.
const CACHE_LIMIT = 10_000;

function automatonOf(glob: string): Automaton | undefined {
  if (automata.has(glob)) return automata.get(glob);
  if (automata.size >= CACHE_LIMIT) automata.clear();
  const automaton = globAutomaton(glob);
  automata.set(glob, automaton);
  return automaton;
}

/**
 * A string that both globs match, null when there is none, undefined when a glob is one the
 * automaton does not model (then nothing is known). Exported for the tests: a witness is
 * checked against the real matcher, which proves "may overlap" is not said without cause.
 */
export function overlapWitness(a: string, b: string): string | null | undefined {
  const key = a < b ? `${a}\0${b}` : `${b}\0${a}`;
  const known = pairs.get(key);
  if (known !== undefined) return known;
  const x = automatonOf(a);
  const y = automatonOf(b);
  if (x === undefined || y === undefined) return undefined;
  const witness = literalEndsDiffer(a, b) ? null : intersect(x, y);
  if (pairs.size >= CACHE_LIMIT) pairs.clear();
  pairs.set(key, witness);
  return witness;
}

/**
 * True when some path could match a glob of `a` and a glob of `b` (src/util/glob.ts's dialect:
 * `*`, `?`, `**`, `[...]`, `{a,b}`). Conservative: "true" whenever it cannot rule it out.
 */
export function globsMayOverlap(a: readonly string[], b: readonly string[]): boolean {
  // The scheduler passes the plan's own arrays on every pass: remembered by identity.
  const known = arrayPairs.get(a)?.get(b);
  if (known !== undefined) return known;
  const answer = a.some((x) => b.some((y) => overlapWitness(x, y) !== null));
  let row = arrayPairs.get(a);
  if (row === undefined) {
    row = new WeakMap();
    arrayPairs.set(a, row);
  }
  row.set(b, answer);
  return answer;
}

const arrayPairs = new WeakMap<readonly string[], WeakMap<readonly string[], boolean>>();

/**
 * A quick "disjoint" for most unrelated claims (`src/a/**` and `src/b/**`, `*.ts` and `*.md`):
 * every string a glob matches starts with the text before its first special character and ends
 * with the text after its last one (for a glob the automaton models: no unclosed `{`).
 */
function literalEndsDiffer(a: string, b: string): boolean {
  const [headA, tailA] = literalEnds(a);
  const [headB, tailB] = literalEnds(b);
  return !(headA.startsWith(headB) || headB.startsWith(headA)) || !(tailA.endsWith(tailB) || tailB.endsWith(tailA));
}

const SPECIAL = /[*?[\]{},]/;

function literalEnds(glob: string): readonly [string, string] {
  const first = glob.search(SPECIAL);
  if (first === -1) return [glob, glob];
  let last = glob.length - 1;
  while (last >= 0 && !SPECIAL.test(glob.charAt(last))) last--;
  return [glob.slice(0, first), glob.slice(last + 1)];
}

/**
 * Breadth-first search of the product automaton: a pair of states is reached when some string
 * leads each automaton to its state; a move reads one character in both moves' sets. The
 * shortest common string, if any.
 */
function intersect(x: Automaton, y: Automaton): string | null {
  const width = y.moves.length;
  // For each reached pair: the pair it was reached from (-2: not reached) and the code unit read.
  const from = new Int32Array(x.moves.length * width).fill(-2);
  const read = new Int32Array(x.moves.length * width);
  const queue = [x.start * width + y.start];
  from[x.start * width + y.start] = -1;
  for (let head = 0; head < queue.length; head++) {
    const pair = queue[head] ?? 0;
    const p = Math.floor(pair / width);
    const q = pair % width;
    if (x.accepting[p] === true && y.accepting[q] === true) return spell(pair, from, read);
    for (const e of x.moves[p] ?? []) {
      for (const f of y.moves[q] ?? []) {
        const next = e.to * width + f.to;
        if (from[next] !== -2) continue;
        const unit = commonChar(e.set, f.set);
        if (unit === undefined) continue;
        from[next] = pair;
        read[next] = unit;
        queue.push(next);
      }
    }
  }
  return null;
}

function spell(pair: number, from: Int32Array, read: Int32Array): string {
  const units: number[] = [];
  for (let at = pair; (from[at] ?? -1) >= 0; at = from[at] ?? -1) units.push(read[at] ?? 0);
  return String.fromCharCode(...units.reverse());
}
