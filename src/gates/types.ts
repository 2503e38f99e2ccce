// Gate results: recorded in the store for every evaluation, shown by status and in prompts.
import type { Check } from '../phases/schema.js';

/** Which gate: a phase's entry gate, or a named gate such as planning-complete. */
export type GateTarget = { readonly kind: 'phase'; readonly phase: number } | { readonly kind: 'named'; readonly name: string };

export interface CheckResult {
  readonly kind: string;
  /** What was checked: a path, a glob or a command line. */
  readonly subject: string;
  readonly ok: boolean;
  /** One or more sentences a human can act on. */
  readonly message: string;
  /** The check's own hint, shown with a failure. */
  readonly hint?: string;
  /** Kept output of a command check (truncated). */
  readonly output?: string;
}

export interface GateResult {
  readonly target: GateTarget;
  readonly ok: boolean;
  readonly checks: readonly CheckResult[];
}

/** Stable string form of a target, used in the store and events ("phase-2", "planning-complete"). */
export function targetKey(target: GateTarget): string {
  return target.kind === 'phase' ? `phase-${target.phase}` : target.name;
}

/** "the phase 2 gate", "the planning-complete gate". */
export function targetLabel(target: GateTarget): string {
  return target.kind === 'phase' ? `the phase ${target.phase} gate` : `the ${target.name} gate`;
}

/** The failing checks of a gate as lines for humans. */
export function failureLines(checks: readonly CheckResult[]): string[] {
  return checks
    .filter((c) => !c.ok)
    .map((c) => (c.hint === undefined ? c.message : `${c.message} ${c.hint}`));
}

/** The fields every result of a check shares: its kind, its subject, and its hint if it has one. */
export function resultBase(kind: string, subject: string, hint: string | undefined): Pick<CheckResult, 'kind' | 'subject' | 'hint'> {
  return hint === undefined ? { kind, subject } : { kind, subject, hint };
}

/** A gate with an approval check: a human decides, between commit and merge. */
export function needsApproval(checks: readonly Check[]): boolean {
  return checks.some((c) => c.kind === 'approval');
}
