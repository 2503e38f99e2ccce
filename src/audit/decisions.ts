// Record commits: a person's decisions the runner wrote on the base branch (a replan, an
// acknowledgement). Each must be well-formed, change no file, name a phase the definitions
// then had, and (an acknowledgement) accept exactly the outputs its tree holds. Only records
// that pass take part in the order and drift checks.
import { RECORD_KEYS, RECORD_KINDS, nameProblem, type RecordKind } from '../git/trailers.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { AuditContext } from './context.js';
import type { Finding } from './findings.js';
import { short } from './format.js';
import type { HistoryCommit } from './history.js';
import { beyondCut, type Unchecked } from './shallow.js';

export interface Decision {
  readonly commit: HistoryCommit;
  readonly kind: RecordKind;
  readonly phase: number;
  /** An acknowledgement's accepted Artifacts-Digest. */
  readonly digest: string | undefined;
  /** The phase's step in the definitions at the record's parent (set when judged; undefined when they lack it). */
  step: WorkstreamStep | undefined;
  /** Passed every check: it counts. */
  valid: boolean;
}

const FORMAT: Readonly<Record<string, (v: string) => boolean>> = {
  Workstream: (v) => /^[a-z][a-z0-9-]*$/.test(v),
  Record: (v) => (RECORD_KINDS as readonly string[]).includes(v),
  Phase: (v) => /^[1-9][0-9]*$/.test(v),
  'Recorded-By': (v) => nameProblem(v) === undefined,
  'Recorded-At': (v) => /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z$/.test(v) && !Number.isNaN(Date.parse(v)),
  'Artifacts-Digest': (v) => /^sha256:[0-9a-f]{64}$/.test(v),
};

/** The record's claims, with findings for a trailer paragraph that breaks the contract. */
export function readDecision(ctx: AuditContext, c: HistoryCommit): Decision | undefined {
  const values = new Map<string, string>();
  const problems: Finding[] = [];
  const label = `record ${short(c.sha)}`;
  for (const [key, value] of c.trailers) {
    if (key === '') problems.push({ code: 'trailer-malformed', phase: null, commit: c.sha, message: `${label} has a line in its trailer paragraph that is not a trailer: ${JSON.stringify(value.slice(0, 80))}.` });
    else if (values.has(key)) problems.push({ code: 'trailer-duplicate', phase: null, commit: c.sha, message: `${label} has the trailer ${key} more than once.` });
    else {
      values.set(key, value);
      const check = FORMAT[key];
      if (check === undefined) problems.push({ code: 'trailer-malformed', phase: null, commit: c.sha, message: `${label} has a trailer a record never carries: ${key}.` });
      else if (!check(value)) problems.push({ code: 'trailer-malformed', phase: null, commit: c.sha, message: `${label} has a malformed ${key}: ${JSON.stringify(value.slice(0, 80))}.` });
    }
  }
  const kind = values.get('Record') as RecordKind | undefined;
  const required = [...RECORD_KEYS, ...(kind === 'acknowledge' ? ['Artifacts-Digest'] : [])];
  const missing = required.filter((k) => !values.has(k));
  if (missing.length > 0) problems.push({ code: 'trailer-missing', phase: null, commit: c.sha, message: `${label} lacks the trailer${missing.length > 1 ? 's' : ''} ${missing.join(', ')}.` });
  const workstream = values.get('Workstream');
  if (workstream !== undefined && workstream !== ctx.workstream.name) {
    problems.push({ code: 'phase-unknown', phase: null, commit: c.sha, message: `${label} names workstream ${JSON.stringify(workstream)}; this repository's is ${ctx.workstream.name}.` });
  }
  if (c.parents.length !== 1) problems.push({ code: 'record-changes-files', phase: null, commit: c.sha, message: `${label} has ${c.parents.length} parents; a record is a commit on the base's tip with no other parent.` });
  const phase = Number(values.get('Phase'));
  for (const p of problems) ctx.add(p.code, Number.isInteger(phase) ? phase : null, p.commit, p.message);
  if (kind === undefined || !Number.isInteger(phase)) return undefined;
  return { commit: c, kind, phase, digest: values.get('Artifacts-Digest'), step: undefined, valid: problems.length === 0 };
}

/**
 * What the record's tree says: the same tree as its parent (it changes no file), a phase the
 * definitions at its parent have, and for an acknowledgement, the digest of that phase's
 * outputs in its tree. Synchronous over the TreeStore; run it through `settle`.
 */
export function judgeDecision(ctx: AuditContext, d: Decision): { readonly findings: Finding[]; readonly step: WorkstreamStep | undefined; readonly unchecked: Unchecked | undefined } {
  const findings: Finding[] = [];
  const c = d.commit;
  const label = `${d.kind} record ${short(c.sha)}`;
  // Beyond a shallow clone's cut, the record's own tree stands in for its parent's: the same
  // tree when it changes no file, which is what cannot be checked.
  const cut = beyondCut(ctx, c.parents[0]);
  const parent = cut ? c.sha : c.parents[0];
  const unchecked = cut ? { phase: d.phase, commit: c.sha, what: `${label}'s parent ${short(c.parents[0] ?? '')} is not in this clone: whether it changes files was not checked.` } : undefined;
  const parentTree = parent === undefined ? undefined : ctx.files.store.tree(`${parent}^{tree}`);
  if (!cut && parentTree !== undefined && parentTree.oid !== c.tree) {
    findings.push({ code: 'record-changes-files', phase: d.phase, commit: c.sha, message: `${label} changes files; a record must change none (it only records a decision).` });
  }
  const governed = parent === undefined ? ctx.workstream : ctx.definitions.at(parent).workstream;
  const step = governed.stepForPhase(d.phase);
  if (step === undefined) {
    findings.push({ code: 'phase-unknown', phase: null, commit: c.sha, message: `${label} names phase ${d.phase}, which the definitions then did not have (phases ${governed.phaseIds.join(', ')}).` });
    return { findings, step, unchecked };
  }
  if (d.kind === 'acknowledge' && d.digest !== undefined) {
    const actual = ctx.files.digest(c.tree, step.outputs);
    if (actual !== d.digest) {
      findings.push({ code: 'digest-mismatch', phase: d.phase, commit: c.sha, message: `${label} accepts phase ${d.phase}'s outputs as ${d.digest}, but its tree gives ${actual}.` });
    }
  }
  return { findings, step, unchecked };
}
