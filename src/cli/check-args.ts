// What yargs lets through and a verb must not see: an option given twice arrives as an array
// (which would reach the core as a name like "A,B"), a number that is not one arrives as NaN
// ("there is no phase NaN"), and `--wait=maybe` arrives as false (and the verb runs without
// waiting). Each is a usage error (exit 64), naming the option, before anything runs.

/** A usage problem found by our own checks, as opposed to an exception thrown by a verb (exit 64, not 70). */
export class UsageError extends Error {}

/** The first problem with the parsed arguments, or undefined when there is none. */
export function argsProblem(argv: Readonly<Record<string, unknown>>, raw: readonly string[], types: { booleans: readonly string[]; numbers: readonly string[] }): string | undefined {
  const { booleans, numbers } = types;
  for (const [key, value] of Object.entries(argv)) {
    // yargs also sets camelCase copies and aliases; the dashed name is the one users typed.
    if (key === '_' || key === '$0' || /[A-Z]/.test(key) || key.length === 1) continue;
    if (Array.isArray(value)) return `${named(key)} was given ${value.length} times (${value.map((v) => JSON.stringify(v)).join(', ')}); give it once.`;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return `${named(key)} must be a number, ${POSITIONALS.has(key) ? 'such as 2' : `and ${JSON.stringify(typedValue(key, raw))} is not one`}.`;
    }
  }
  for (const [i, token] of raw.entries()) {
    if (token === '--') break;
    // A number option with nothing after it: yargs leaves it undefined, as if not given.
    const bare = /^--([^=]+)(=?)$/.exec(token);
    if (bare?.[1] !== undefined && numbers.includes(bare[1])) {
      const next = raw[i + 1];
      if (bare[2] === '=' || next === undefined || (next.startsWith('-') && !/^-\d/.test(next))) return `--${bare[1]} needs a number after it.`;
    }
    const match = /^--(?:no-)?([^=]+)=(.*)$/.exec(token);
    if (match?.[1] === undefined || !booleans.includes(match[1])) continue;
    if (match[2] !== 'true' && match[2] !== 'false') return `--${match[1]} is a switch: give it alone, or as --${match[1]}=true or --${match[1]}=false (not ${JSON.stringify(match[2])}).`;
  }
  return undefined;
}

/** Positional arguments, named to the user as <name> rather than --name. */
const POSITIONALS = new Set(['phase']);

const named = (key: string): string => (POSITIONALS.has(key) ? `<${key}>` : `--${key}`);

/** The text the user gave for an option, for the message. */
function typedValue(key: string, raw: readonly string[]): string {
  for (const [i, token] of raw.entries()) {
    if (token === `--${key}`) return raw[i + 1] ?? '';
    if (token.startsWith(`--${key}=`)) return token.slice(key.length + 3);
  }
  return '';
}

/** Whether the user asked for --json: the last of --json, --json=<bool> and --no-json wins. */
export function jsonRequested(raw: readonly string[]): boolean {
  let json = false;
  for (const token of raw) {
    if (token === '--') break;
    if (token === '--json' || token === '--json=true') json = true;
    else if (token === '--no-json' || token === '--json=false') json = false;
  }
  return json;
}
