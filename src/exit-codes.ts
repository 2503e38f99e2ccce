// The exit codes of DESIGN.md: scripts depend on these numbers, never renumber them. A long
// command stopped by a signal exits 128 + the signal's number, as a shell reports it: 130 for
// Ctrl-C (DESIGN's "interrupted"), 143 for SIGTERM, 129 for SIGHUP (its terminal closed).
export const ExitCode = {
  ok: 0,
  phaseFailed: 1,
  humanNeeded: 2,
  auditFindings: 3,
  usage: 64,
  badData: 65,
  unavailable: 69,
  internal: 70,
  locked: 75,
  config: 78,
  hangUp: 129,
  interrupted: 130,
  terminated: 143,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
