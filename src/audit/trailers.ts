// Reading a commit's trailer paragraph as claims, reporting every way it breaks the git
// contract: missing, duplicated, malformed or unknown keys, and values naming phases the
// definitions that governed it do not have (stepClaimed).
import { NAME_PATTERN } from '../config/schema.js';
import { APPROVAL_KEYS, nameProblem, OPTIONAL_TRAILER_KEYS, TRAILER_KEYS } from '../git/trailers.js';
import type { Workstream, WorkstreamStep } from '../workstream/types.js';
import type { AuditContext } from './context.js';
import type { Finding } from './findings.js';
import { short } from './format.js';
import type { HistoryCommit } from './history.js';

export interface Claims {
  /** Each key's first value. */
  readonly values: ReadonlyMap<string, string>;
  /** Keys whose value is well-formed. */
  readonly wellFormed: ReadonlySet<string>;
  /** The phase the trailers claim (a well-formed Phase of this workstream), whether or not the definitions have it. */
  readonly phase: number | undefined;
}

const KNOWN: readonly string[] = [...TRAILER_KEYS, ...OPTIONAL_TRAILER_KEYS, ...APPROVAL_KEYS];

/** How each trailer value of the contract is written; shared with the task trailers' reader (task-claims.ts). */
export const TRAILER_FORMAT: Readonly<Record<string, (v: string) => boolean>> = {
  Workstream: (v) => NAME_PATTERN.test(v),
  Phase: (v) => /^[1-9][0-9]*$/.test(v),
  'Phase-Name': (v) => NAME_PATTERN.test(v),
  Role: (v) => NAME_PATTERN.test(v),
  'Run-Id': (v) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(v),
  Attempt: (v) => /^[1-9][0-9]*$/.test(v),
  Agent: (v) => NAME_PATTERN.test(v),
  'Exit-Code': (v) => /^-?[0-9]+$/.test(v),
  'Artifacts-Digest': (v) => /^sha256:[0-9a-f]{64}$/.test(v),
  'Definitions-Digest': (v) => /^sha256:[0-9a-f]{64}$/.test(v),
  'Approved-By': (v) => nameProblem(v) === undefined,
  'Approved-At': (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  'Approved-Digest': (v) => /^sha256:[0-9a-f]{64}$/.test(v),
};

export interface TrailerProblem {
  readonly code: 'trailer-malformed' | 'trailer-duplicate' | 'trailer-missing';
  /** A phrase after "<what> <sha> ": "lacks the trailer Role". */
  readonly text: string;
}

/** A trailer paragraph read against a set of keys: what it says, and every way it breaks that set's contract. */
export interface ParagraphReading {
  readonly values: Map<string, string>;
  readonly wellFormed: Set<string>;
  readonly problems: TrailerProblem[];
}

/**
 * Reads `trailers` against a contract: `required` keys, every key it may have (`known`) and
 * how each value is written (`format`). A phase's and a task's trailers are read by this one
 * function, so they break the contract in the same ways, with the same words.
 */
export function readParagraph(trailers: HistoryCommit['trailers'], contract: { readonly required: readonly string[]; readonly known: readonly string[]; readonly format: Readonly<Record<string, (v: string) => boolean>> }): ParagraphReading {
  const values = new Map<string, string>();
  const wellFormed = new Set<string>();
  const problems: TrailerProblem[] = [];
  for (const [key, value] of trailers) {
    if (key === '') {
      problems.push({ code: 'trailer-malformed', text: `has a line in its trailer paragraph that is not a trailer: ${JSON.stringify(value.slice(0, 80))}` });
      continue;
    }
    if (values.has(key)) {
      problems.push({ code: 'trailer-duplicate', text: `has the trailer ${key} more than once` });
      continue;
    }
    values.set(key, value);
    if (!contract.known.includes(key)) {
      problems.push({ code: 'trailer-malformed', text: `has a trailer phaserunner never writes: ${key}` });
      continue;
    }
    if (contract.format[key]?.(value) === true) wellFormed.add(key);
    else problems.push({ code: 'trailer-malformed', text: `has a malformed ${key}: ${JSON.stringify(value.slice(0, 80))}` });
  }
  const missing = contract.required.filter((k) => !values.has(k));
  if (missing.length > 0) problems.push({ code: 'trailer-missing', text: `lacks the trailer${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });
  return { values, wellFormed, problems };
}

const PHASE_CONTRACT = { required: TRAILER_KEYS, known: KNOWN, format: TRAILER_FORMAT };

/** The commit's claims; with `report`, every problem becomes a finding. */
export function readClaims(ctx: AuditContext, commit: HistoryCommit, what: string, report = true): Claims {
  const { values, wellFormed, problems } = readParagraph(commit.trailers, PHASE_CONTRACT);

  const workstream = values.get('Workstream');
  const sameWorkstream = workstream === undefined || workstream === ctx.workstream.name;
  const phase = sameWorkstream && wellFormed.has('Phase') ? Number(values.get('Phase')) : undefined;
  if (report) {
    const label = `${what} ${short(commit.sha)}`;
    for (const p of problems) ctx.add(p.code, phase ?? null, commit.sha, `${label} ${p.text}.`);
    if (!sameWorkstream) {
      ctx.add('phase-unknown', null, commit.sha, `${label} names workstream ${JSON.stringify(workstream)}; this repository's is ${ctx.workstream.name}.`);
    }
    const exit = values.get('Exit-Code');
    if (wellFormed.has('Exit-Code') && exit !== '0') {
      ctx.add('nonzero-exit', phase ?? null, commit.sha, `${label} records Exit-Code: ${exit ?? '?'}; phaserunner only merges work whose agent exited 0.`);
    }
  }
  return { values, wellFormed, phase };
}

/**
 * The step the claims name in `workstream` (the definitions that governed the commit), with
 * the findings when it has no such phase or calls it by another name.
 */
export function stepClaimed(workstream: Workstream, claims: Claims, commit: HistoryCommit, what: string, findings: Finding[]): WorkstreamStep | undefined {
  if (claims.phase === undefined) return undefined;
  const label = `${what} ${short(commit.sha)}`;
  const step = workstream.stepForPhase(claims.phase);
  if (step === undefined) {
    findings.push({ code: 'phase-unknown', phase: null, commit: commit.sha, message: `${label} names phase ${claims.phase}, which the definitions that governed it do not have (phases ${workstream.phaseIds.join(', ')}).` });
    return undefined;
  }
  const name = claims.values.get('Phase-Name');
  if (name !== undefined && name !== step.name) {
    findings.push({ code: 'phase-name-mismatch', phase: step.phase, commit: commit.sha, message: `${label} says Phase: ${step.phase} with Phase-Name: ${name}, but phase ${step.phase} is ${step.name}.` });
  }
  return step;
}
