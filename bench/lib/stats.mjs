// Timing helpers shared by the benchmarks: wall time of a call, medians, interleaved samples
// (so a noisy neighbour on the shared machine falls on every variant alike), and a table.
import { performance } from 'node:perf_hooks';

export const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 === 1 ? s[mid] : (s[mid - 1] + s[mid]) / 2;
};

/** Wall time of fn() in ms (fn may be async). */
export async function elapsed(fn) {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

/**
 * Runs each variant `repeats` times, round-robin (a, b, c, a, b, c, ...), and returns the
 * median ms of each. `variants` maps a name to a function; `setup`, if given, runs untimed
 * before every timed call with the variant's name.
 */
export async function interleaved(variants, repeats, setup) {
  const samples = Object.fromEntries(Object.keys(variants).map((k) => [k, []]));
  for (let i = 0; i < repeats; i++) {
    for (const [name, fn] of Object.entries(variants)) {
      if (setup) await setup(name);
      samples[name].push(await elapsed(fn));
    }
  }
  return Object.fromEntries(Object.entries(samples).map(([k, v]) => [k, { median: median(v), samples: v }]));
}

/** A plain-text table: rows of cells, the first row the header. */
export function table(rows) {
  const widths = rows[0].map((_, i) => Math.max(...rows.map((r) => String(r[i]).length)));
  return rows.map((r) => r.map((c, i) => (i === 0 ? String(c).padEnd(widths[i]) : String(c).padStart(widths[i]))).join('  ')).join('\n');
}

export const ms = (x) => `${x.toFixed(x < 10 ? 1 : 0)} ms`;
export const ratio = (x) => `${x.toFixed(2)}x`;
