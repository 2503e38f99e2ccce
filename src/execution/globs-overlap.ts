// Whether two tasks' `writes` claims may name a common file. The scheduler never has two tasks
// in flight whose claims may overlap, so this must never answer "no" when some path matches a
// glob of each: it intersects the globs' automata (glob-automaton.ts), which match exactly what
// src/util/glob.ts matches, and answers "yes" when some string is in both. That is exact for the
// strings the matcher accepts, a superset of the paths git can hold (e.g. `a/**` and `a/*` meet
// on "a/"), so the answer errs only towards "may overlap", as it must. A glob the automaton
// does not model (one the matcher would not compile) may overlap anything.
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
  const witness = intersect(x, y);
  if (pairs.size >= CACHE_LIMIT) pairs.clear();
  pairs.set(key, witness);
  return witness;
}

/**
 * True when some path could match a glob of `a` and a glob of `b` (src/util/glob.ts's dialect:
 * `*`, `?`, `**`, `[...]`, `{a,b}`). Conservative: "true" whenever it cannot rule it out.
 */
export function globsMayOverlap(a: readonly string[], b: readonly string[]): boolean {
  return a.some((x) => b.some((y) => overlapWitness(x, y) !== null));
}

/**
 * Breadth-first search of the product automaton: a pair of states is reached when some string
 * leads each automaton to its state. A move that reads no character moves one side alone; a move
 * that reads one moves both, on a character in both labels. The shortest common string, if any.
 */
function intersect(x: Automaton, y: Automaton): string | null {
  const width = y.states.length;
  const size = x.states.length * width;
  // For each reached pair: the pair it was reached from and the code unit read (-1: none).
  const from = new Int32Array(size).fill(-2);
  const read = new Int32Array(size).fill(-1);
  const queue: number[] = [];
  const visit = (pair: number, parent: number, unit: number): void => {
    if (from[pair] !== -2) return;
    from[pair] = parent;
    read[pair] = unit;
    queue.push(pair);
  };
  visit(x.start * width + y.start, -1, -1);
  const target = x.accept * width + y.accept;
  for (let head = 0; head < queue.length; head++) {
    const pair = queue[head] ?? 0;
    if (pair === target) return spell(pair, from, read);
    const pIndex = Math.floor(pair / width);
    const qIndex = pair % width;
    const p = x.states[pIndex];
    const q = y.states[qIndex];
    if (p === undefined || q === undefined) continue;
    for (const to of p.eps) visit(to * width + qIndex, pair, -1);
    for (const to of q.eps) visit(pIndex * width + to, pair, -1);
    for (const e of p.edges) {
      for (const f of q.edges) {
        const unit = commonChar(e.set, f.set);
        if (unit !== undefined) visit(e.to * width + f.to, pair, unit);
      }
    }
  }
  return null;
}

function spell(pair: number, from: Int32Array, read: Int32Array): string {
  const units: number[] = [];
  for (let at = pair; at >= 0; at = from[at] ?? -1) {
    const unit = read[at] ?? -1;
    if (unit >= 0) units.push(unit);
  }
  return String.fromCharCode(...units.reverse());
}
