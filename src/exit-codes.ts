// The exit codes of DESIGN.md: scripts depend on these numbers, never renumber them.
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
  interrupted: 130,
} as const;

export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];
