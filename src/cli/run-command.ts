// Runs a command body: maps expected failures to their message and exit code, and anything
// unexpected to "internal error" (70) with the stack, so a bug is reported, never hidden.
import { ExitCode } from '../exit-codes.js';
import { PhaserunnerError } from '../failures.js';
import type { Output } from './output.js';

export async function runCommand(out: Output, body: () => Promise<number>): Promise<number> {
  try {
    return await body();
  } catch (error) {
    if (error instanceof PhaserunnerError) {
      // Loaded only to report a failure: a command that succeeds (a `status`) never pays for it.
      const { renderFailure } = await import('./render/failure.js');
      const rendered = renderFailure(error.failure);
      if (out.json) {
        out.document({ ok: false, error: { reason: error.failure.reason, exit_code: rendered.code, message: rendered.message, next: rendered.next, detail: error.failure } });
      }
      out.error(`phaserunner: ${rendered.message}`);
      out.error(`Next: ${rendered.next}`);
      return rendered.code;
    }
    const detail = error instanceof Error ? (error.stack ?? error.message) : String(error);
    if (out.json) out.document({ ok: false, error: { reason: 'internal', exit_code: ExitCode.internal, message: String(error) } });
    out.error(`phaserunner: internal error: ${detail}`);
    out.error('Next: this is a bug in phaserunner; please report it with the output above.');
    return ExitCode.internal;
  }
}
