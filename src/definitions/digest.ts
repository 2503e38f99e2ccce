// The Definitions-Digest trailer: a digest of everything the definitions said about a phase
// that its result is judged by (its name, role, outputs, whether it needs approval, and its
// gates' checks), as they governed the run. The audit reads the definitions committed where
// the run started, with the built-in phases it ships, and compares: equal means each merge is
// judged by exactly the definitions that applied then; different means they were not what
// git has there (or this phaserunner's built-in phases differ from the one that ran it).
import { createHash } from 'node:crypto';
import { targetKey } from '../gates/types.js';
import type { WorkstreamStep } from '../workstream/types.js';

export function definitionsDigest(step: WorkstreamStep): string {
  const governed = {
    phase: step.phase,
    name: step.name,
    role: step.role,
    outputs: step.outputs,
    approval: step.approval,
    gates: {
      beforeDispatch: { target: targetKey(step.gates.beforeDispatch), checks: step.checks.beforeDispatch },
      beforeAdvance: { target: targetKey(step.gates.beforeAdvance), checks: step.checks.beforeAdvance },
    },
  };
  return `sha256:${createHash('sha256').update(canonicalJson(governed)).digest('hex')}`;
}

/** JSON with object keys sorted at every level: the same data always gives the same text. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  // Definitions are parsed JSON: no undefined or functions reach here (keys with undefined are left out above).
  return JSON.stringify(value);
}
