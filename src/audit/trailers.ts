// Reading a commit's trailer paragraph as claims, reporting every way it breaks the git
// contract: missing, duplicated, malformed or unknown keys, and values naming phases the
// repository does not have.
import { NAME_PATTERN } from '../config/schema.js';
import { APPROVAL_KEYS, nameProblem, TRAILER_KEYS } from '../git/trailers.js';
import type { AuditContext } from './context.js';
import { short } from './format.js';
import type { HistoryCommit } from './history.js';

export interface Claims {
  /** Each key's first value. */
  readonly values: ReadonlyMap<string, string>;
  /** Keys whose value is well-formed. */
  readonly wellFormed: ReadonlySet<string>;
  /** The phase, when the trailers name a phase of this workstream. */
  readonly phase: number | undefined;
}

const KNOWN: readonly string[] = [...TRAILER_KEYS, ...APPROVAL_KEYS];

const FORMAT: Readonly<Record<string, (v: string) => boolean>> = {
  Workstream: (v) => NAME_PATTERN.test(v),
  Phase: (v) => /^[1-9][0-9]*$/.test(v),
  'Phase-Name': (v) => NAME_PATTERN.test(v),
  Role: (v) => NAME_PATTERN.test(v),
  'Run-Id': (v) => /^[0-9A-HJKMNP-TV-Z]{26}$/.test(v),
  Attempt: (v) => /^[1-9][0-9]*$/.test(v),
  Agent: (v) => NAME_PATTERN.test(v),
  'Exit-Code': (v) => /^-?[0-9]+$/.test(v),
  'Artifacts-Digest': (v) => /^sha256:[0-9a-f]{64}$/.test(v),
  'Approved-By': (v) => nameProblem(v) === undefined,
  'Approved-At': (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  'Approved-Digest': (v) => /^sha256:[0-9a-f]{64}$/.test(v),
};

/** The commit's claims; with `report`, every problem becomes a finding. */
export function readClaims(ctx: AuditContext, commit: HistoryCommit, what: string, report = true): Claims {
  const values = new Map<string, string>();
  const wellFormed = new Set<string>();
  const problems: { code: 'trailer-malformed' | 'trailer-duplicate' | 'trailer-missing'; text: string }[] = [];
  for (const [key, value] of commit.trailers) {
    if (key === '') {
      problems.push({ code: 'trailer-malformed', text: `has a line in its trailer paragraph that is not a trailer: ${JSON.stringify(value.slice(0, 80))}` });
      continue;
    }
    if (values.has(key)) {
      problems.push({ code: 'trailer-duplicate', text: `has the trailer ${key} more than once` });
      continue;
    }
    values.set(key, value);
    if (!KNOWN.includes(key)) {
      problems.push({ code: 'trailer-malformed', text: `has a trailer phaserunner never writes: ${key}` });
      continue;
    }
    if (FORMAT[key]?.(value) === true) wellFormed.add(key);
    else problems.push({ code: 'trailer-malformed', text: `has a malformed ${key}: ${JSON.stringify(value.slice(0, 80))}` });
  }
  const missing = TRAILER_KEYS.filter((k) => !values.has(k));
  if (missing.length > 0) problems.push({ code: 'trailer-missing', text: `lacks the trailer${missing.length > 1 ? 's' : ''} ${missing.join(', ')}` });

  let phase: number | undefined;
  const workstream = values.get('Workstream');
  const phaseText = values.get('Phase');
  const known = (workstream === undefined || workstream === ctx.workstream.name) && wellFormed.has('Phase') && ctx.workstream.phaseIds.includes(Number(phaseText));
  if (known) phase = Number(phaseText);
  const step = phase === undefined ? undefined : ctx.workstream.stepForPhase(phase);
  const label = `${what} ${short(commit.sha)}`;
  if (report) {
    for (const p of problems) ctx.add(p.code, phase ?? null, commit.sha, `${label} ${p.text}.`);
    if (workstream !== undefined && workstream !== ctx.workstream.name) {
      ctx.add('phase-unknown', null, commit.sha, `${label} names workstream ${JSON.stringify(workstream)}; this repository's is ${ctx.workstream.name}.`);
    } else if (wellFormed.has('Phase') && !known) {
      ctx.add('phase-unknown', null, commit.sha, `${label} names phase ${phaseText ?? '?'}, which this workstream does not have (phases ${ctx.workstream.phaseIds.join(', ')}).`);
    }
    const name = values.get('Phase-Name');
    if (step !== undefined && name !== undefined && name !== step.name) {
      ctx.add('phase-name-mismatch', step.phase, commit.sha, `${label} says Phase: ${step.phase} with Phase-Name: ${name}, but phase ${step.phase} is ${step.name}.`);
    }
    const exit = values.get('Exit-Code');
    if (wellFormed.has('Exit-Code') && exit !== '0') {
      ctx.add('nonzero-exit', phase ?? null, commit.sha, `${label} records Exit-Code: ${exit ?? '?'}; phaserunner only merges work whose agent exited 0.`);
    }
  }
  return { values, wellFormed, phase };
}
