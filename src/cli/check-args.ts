// What yargs lets through and a verb must not see: an option given twice arrives as an array
// (which would reach the core as a name like "A,B"), a number that is not one arrives as NaN
// ("there is no phase NaN"), and `--wait=maybe` arrives as false (and the verb runs without
// waiting). Each is a usage error (exit 64), naming the option, before anything runs.

/** A usage problem found by our own checks, as opposed to an exception thrown by a verb (exit 64, not 70). */
export class UsageError extends Error {}

/** The first problem with the parsed arguments, or undefined when there is none. */
export function argsProblem(argv: Readonly<Record<string, unknown>>, raw: readonly string[], booleans: readonly string[]): string | undefined {
  for (const [key, value] of Object.entries(argv)) {
    // yargs also sets camelCase copies and aliases; the dashed name is the one users typed.
    if (key === '_' || key === '$0' || /[A-Z]/.test(key) || key.length === 1) continue;
    if (Array.isArray(value)) return `${POSITIONALS.has(key) ? `<${key}>` : `--${key}`} was given ${value.length} times (${value.map((v) => JSON.stringify(v)).join(', ')}); give it once.`;
    if (typeof value === 'number' && !Number.isFinite(value)) {
      return POSITIONALS.has(key) ? `<${key}> must be a number, such as 2.` : `--${key} must be a number, and ${JSON.stringify(typedValue(key, raw))} is not one.`;
    }
  }
  for (const token of raw) {
    if (token === '--') break;
    const match = /^--(?:no-)?([^=]+)=(.*)$/.exec(token);
    if (match?.[1] === undefined || !booleans.includes(match[1])) continue;
    if (match[2] !== 'true' && match[2] !== 'false') return `--${match[1]} is a switch: give it alone, or as --${match[1]}=true or --${match[1]}=false (not ${JSON.stringify(match[2])}).`;
  }
  return undefined;
}

/** Positional arguments, named to the user as <name> rather than --name. */
const POSITIONALS = new Set(['phase']);

/** The text the user gave for an option, for the message. */
function typedValue(key: string, raw: readonly string[]): string {
  for (const [i, token] of raw.entries()) {
    if (token === `--${key}`) return raw[i + 1] ?? '';
    if (token.startsWith(`--${key}=`)) return token.slice(key.length + 3);
  }
  return '';
}
