// The read-only verbs scripts and prompts run most (`status`, `log`, `audit`), when given only
// the global options, are run without yargs: loading it costs more than a bare node start
// (docs/performance.md), and `status` must stay within 2x of one. Anything else (help, a
// verb's own option, an option given twice, a value that looks like an option, an unknown
// word) goes to yargs, which parses the whole command line and reports every usage error.
import type { GlobalArgs } from './globals.js';
import { GLOBAL_OPTIONS } from './globals.js';

interface Handler {
  handler: (args: GlobalArgs & { _: (string | number)[]; $0: string }) => void | Promise<void>;
}

const FAST_VERBS: Readonly<Record<string, () => Promise<Handler>>> = {
  status: async () => (await import('./commands/status.js')).statusCommand as Handler,
  log: async () => (await import('./commands/log.js')).logCommand as Handler,
  audit: async () => (await import('./commands/audit.js')).auditCommand as Handler,
};

export interface FastArgs extends GlobalArgs {
  readonly verb: string;
}

/** The verb's run, when the whole command line is one fast verb and global options; else undefined. */
export function fastPath(argv: readonly string[]): (() => Promise<void>) | undefined {
  const parsed = fastArgs(argv);
  const load = parsed === undefined ? undefined : FAST_VERBS[parsed.verb];
  if (parsed === undefined || load === undefined) return undefined;
  const args = { _: [parsed.verb], $0: 'phaserunner', json: parsed.json, cwd: parsed.cwd };
  return async () => (await load()).handler(args);
}

/** The command line read the way yargs reads it, when it is one fast verb and global options only. */
export function fastArgs(argv: readonly string[]): FastArgs | undefined {
  let verb: string | undefined;
  let json: boolean | undefined;
  let cwd: string | undefined;
  const cwdFlags = new Set([`--cwd`, `-${GLOBAL_OPTIONS.cwd.alias}`]);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i] ?? '';
    if (arg === '--json' || arg === '--no-json') {
      if (json !== undefined) return undefined;
      json = arg === '--json';
    } else if (cwdFlags.has(arg) || arg.startsWith('--cwd=')) {
      const value = arg.startsWith('--cwd=') ? arg.slice('--cwd='.length) : argv[++i];
      if (cwd !== undefined || value === undefined || value === '' || value.startsWith('-')) return undefined;
      cwd = value;
    } else if (!arg.startsWith('-') && verb === undefined && Object.hasOwn(FAST_VERBS, arg)) {
      verb = arg;
    } else {
      return undefined;
    }
  }
  if (verb === undefined) return undefined;
  return { verb, json: json ?? GLOBAL_OPTIONS.json.default, cwd: cwd ?? GLOBAL_OPTIONS.cwd.default };
}
