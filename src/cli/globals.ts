// Options every verb takes: declared once, for yargs (parse.ts) and for the fast path
// (fast-path.ts), which must read them the same way.
export interface GlobalArgs {
  json: boolean;
  cwd: string;
}

export const GLOBAL_OPTIONS = {
  json: { type: 'boolean', default: false, global: true, describe: 'Machine-readable output on stdout' },
  cwd: { alias: 'C', type: 'string', default: process.cwd(), global: true, describe: 'Run as if started in this directory', defaultDescription: 'the current directory' },
} as const;
