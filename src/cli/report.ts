// A verb that computes one view and prints it: as lines for people, or as the one JSON
// document on stdout with --json. Mapping failures to exit codes is runCommand's.
import type { Definitions, Purpose } from '../definitions/open.js';
import type { GlobalArgs } from './globals.js';
import { Output } from './output.js';
import { runCommand } from './run-command.js';

export async function printView<T>(
  args: GlobalArgs,
  compute: (out: Output) => Promise<T>,
  lines: (view: T) => Iterable<string>,
  /** The exit code for the view; it may also print the next step (to stderr) for people. */
  finish: (view: T, out: Output) => number = () => 0,
): Promise<void> {
  const out = new Output(args.json);
  process.exitCode = await runCommand(out, async () => {
    const view = await compute(out);
    if (out.json) out.document(view);
    else for (const line of lines(view)) out.line(line);
    return finish(view, out);
  });
}

/** The repository's validated definitions, the core loaded only when a verb asks (start-up: docs/performance.md). */
export async function definitions(cwd: string, purpose: Purpose = 'view'): Promise<Definitions> {
  return (await import('../definitions/open.js')).openDefinitions(cwd, purpose);
}
