// The signals that ask a long command (run/retry/approve/reject --wait, demo, status --watch)
// to stop: Ctrl-C, SIGTERM (kill, systemd, a container stopping) and SIGHUP (its terminal or
// ssh session closed). Each is handled the same way: stop waiting, release what is held,
// leave the agents running, and exit 128 + the signal's number, as a shell would report it.
import { ExitCode } from '../exit-codes.js';
import { stopGitChildren } from '../git/exec.js';

export const STOP_SIGNALS = ['SIGINT', 'SIGTERM', 'SIGHUP'] as const;
export type StopSignal = (typeof STOP_SIGNALS)[number];

const EXIT_CODES: Readonly<Record<StopSignal, ExitCode>> = {
  SIGINT: ExitCode.interrupted,
  SIGTERM: ExitCode.terminated,
  SIGHUP: ExitCode.hangUp,
};

export function signalExitCode(signal: StopSignal): ExitCode {
  return EXIT_CODES[signal];
}

/** What stopped the command, for its message: "Interrupted", "Stopped by SIGTERM", ... */
export function stoppedBy(signal: StopSignal): string {
  switch (signal) {
    case 'SIGINT':
      return 'Interrupted';
    case 'SIGTERM':
      return 'Stopped by SIGTERM';
    case 'SIGHUP':
      return 'Stopped by SIGHUP (the terminal closed)';
  }
}

let hungUp = false;

/**
 * Calls `stop` on the first stop signal, instead of the default of dying on the spot (which
 * would leave the runner lock behind and print nothing). A second signal exits at once with
 * its code: the user insists. Returns the function that removes the handlers.
 */
export function onStopSignal(stop: (signal: StopSignal) => void): () => void {
  let received = false;
  const handlers = STOP_SIGNALS.map((signal) => {
    const handler = (): void => {
      if (signal === 'SIGHUP') hungUp = true;
      if (received) {
        if (hungUp) endAfterHangUp();
        else process.exit(signalExitCode(signal));
      }
      received = true;
      stop(signal);
    };
    process.on(signal, handler);
    return [signal, handler] as const;
  });
  return () => {
    for (const [signal, handler] of handlers) process.off(signal, handler);
  };
}

/**
 * After a SIGHUP, once the command has cleaned up (lock released, agents left running), the
 * process ends by SIGHUP itself, which a shell reports as 129. A normal exit is not possible:
 * on exit Node restores the terminal's settings, and on a terminal that closed it aborts with
 * a failed assertion in ResetStdio (Node 20, nodejs/node#51519). Does nothing without a SIGHUP.
 */
export function endAfterHangUp(): void {
  if (!hungUp) return;
  // Dying by a signal, the process emits no 'exit': stop its gits here (git/exec.ts).
  stopGitChildren();
  for (const signal of STOP_SIGNALS) process.removeAllListeners(signal);
  process.kill(process.pid, 'SIGHUP');
}
