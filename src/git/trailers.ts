// The trailer contract of DESIGN.md. The runner writes the trailer paragraph itself, last,
// from values it controls; agent text only ever goes in the body, quoted, so it cannot
// forge a trailer.

export const TRAILER_KEYS = [
  'Workstream',
  'Phase',
  'Phase-Name',
  'Role',
  'Run-Id',
  'Attempt',
  'Agent',
  'Exit-Code',
  'Artifacts-Digest',
] as const;

export type TrailerKey = (typeof TRAILER_KEYS)[number];

/**
 * Written after those by this phaserunner, but not required of a commit: merges made before
 * it existed lack it. Definitions-Digest: the definitions that governed the phase
 * (src/definitions/digest.ts).
 */
export const OPTIONAL_TRAILER_KEYS = ['Definitions-Digest'] as const;

/** Added, in this order, to the merge commit of an approved phase. */
export const APPROVAL_KEYS = ['Approved-By', 'Approved-At', 'Approved-Digest'] as const;

/**
 * A record commit: something a person decided about the workstream, written by the runner
 * on the base branch as a commit that changes no file (replan, acknowledge). `Phase` is the
 * phase it concerns; an acknowledgement adds the Artifacts-Digest it accepts.
 */
export const RECORD_KEYS = ['Workstream', 'Record', 'Phase', 'Recorded-By', 'Recorded-At'] as const;
export const RECORD_KINDS = ['replan', 'acknowledge'] as const;
export type RecordKind = (typeof RECORD_KINDS)[number];

export interface RecordTrailers {
  readonly workstream: string;
  readonly kind: RecordKind;
  readonly phase: number;
  readonly by: string;
  readonly at: string;
  /** An acknowledgement's: the digest of the phase's outputs it accepts. */
  readonly artifactsDigest?: string;
}

export interface ApprovalTrailers {
  /** A person's name: one line, any script, no control characters. */
  readonly by: string;
  /** ISO 8601 UTC. */
  readonly at: string;
  /** The Artifacts-Digest the human approved. */
  readonly digest: string;
}

const ASCII_VALUE = /^[\x21-\x7e][\x20-\x7e]*$/;
/** A name may be in any script, but is one line without control characters or edge spaces. */
const NAME_VALUE = /^[^\p{C}\p{Z}](?:[^\p{C}\p{Zl}\p{Zp}]*[^\p{C}\p{Z}])?$/u;

/** Why a person's name cannot be a trailer value, or undefined when it can. */
export function nameProblem(name: string): string | undefined {
  if (name.length === 0) return 'is empty';
  if (name.length > 100) return 'is longer than 100 characters';
  if (!NAME_VALUE.test(name)) return 'must be one line without control characters or leading/trailing spaces';
  return undefined;
}

export interface PhaseTrailers {
  readonly workstream: string;
  readonly phase: number;
  readonly phaseName: string;
  readonly role: string;
  readonly runId: string;
  readonly attempt: number;
  readonly agent: string;
  readonly exitCode: number;
  readonly artifactsDigest: string;
  readonly definitionsDigest: string;
}

/** The trailer lines in the contract's order. Values are checked: one line, no leading space. */
export function trailerLines(t: PhaseTrailers): string[] {
  const values: Record<TrailerKey, string> = {
    Workstream: t.workstream,
    Phase: String(t.phase),
    'Phase-Name': t.phaseName,
    Role: t.role,
    'Run-Id': t.runId,
    Attempt: String(t.attempt),
    Agent: t.agent,
    'Exit-Code': String(t.exitCode),
    'Artifacts-Digest': t.artifactsDigest,
  };
  return [...TRAILER_KEYS.map((key) => line(key, values[key], ASCII_VALUE)), line('Definitions-Digest', t.definitionsDigest, ASCII_VALUE)];
}

export function approvalLines(a: ApprovalTrailers): string[] {
  return [line('Approved-By', a.by, NAME_VALUE), line('Approved-At', a.at, ASCII_VALUE), line('Approved-Digest', a.digest, ASCII_VALUE)];
}

function line(key: string, value: string, allowed: RegExp): string {
  if (!allowed.test(value)) throw new Error(`trailer ${key} has an unsafe value ${JSON.stringify(value)}`);
  return `${key}: ${value}`;
}

export function recordLines(t: RecordTrailers): string[] {
  return [
    line('Workstream', t.workstream, ASCII_VALUE),
    line('Record', t.kind, ASCII_VALUE),
    line('Phase', String(t.phase), ASCII_VALUE),
    line('Recorded-By', t.by, NAME_VALUE),
    line('Recorded-At', t.at, ASCII_VALUE),
    ...(t.artifactsDigest === undefined ? [] : [line('Artifacts-Digest', t.artifactsDigest, ASCII_VALUE)]),
  ];
}

/**
 * A record commit's message: subject, the person's text in the body (indented, so it can never
 * be read as trailers), then the record's trailers.
 */
export function buildRecordMessage(subject: string, body: readonly string[], trailers: RecordTrailers): string {
  return [subject, indent(body), recordLines(trailers).join('\n')].join('\n\n') + '\n';
}

function indent(body: readonly string[]): string {
  return body.map((text) => (text === '' ? '' : `  ${text}`)).join('\n');
}

/** Quotes agent-influenced text (a file name) so it is one printable line. */
export function quoteForBody(text: string): string {
  return ASCII_VALUE.test(text) && !text.includes(':') ? text : JSON.stringify(text);
}

/**
 * A full commit message: subject, body lines (indented, so no body line can start a trailer
 * paragraph), then the trailer paragraph.
 */
export function buildMessage(subject: string, body: readonly string[], trailers: PhaseTrailers, approval?: ApprovalTrailers): string {
  return messageWithTrailers(subject, body, [...trailerLines(trailers), ...(approval === undefined ? [] : approvalLines(approval))]);
}

/**
 * A message laid out as `buildMessage` lays one out, for a trailer set other than a phase's
 * (a task's: src/git/task-trailers.ts): subject, the body indented, the trailer lines last.
 */
export function messageWithTrailers(subject: string, body: readonly string[], trailers: readonly string[]): string {
  const parts = [subject];
  if (body.length > 0) parts.push(indent(body));
  parts.push(trailers.join('\n'));
  return parts.join('\n\n') + '\n';
}

/** A trailer line whose value must be one line of printable ASCII (ids, numbers, digests); throws otherwise. */
export function asciiTrailerLine(key: string, value: string): string {
  return line(key, value, ASCII_VALUE);
}

/**
 * The trailers of a message: its last paragraph, only if every line is `Key: value`.
 * Returns undefined when the message has no trailer paragraph.
 */
export function parseTrailers(message: string): Map<string, string> | undefined {
  const pairs = lastParagraph(message);
  if (pairs.length === 0 || pairs.some(([key]) => key === '')) return undefined;
  return new Map(pairs);
}

/**
 * The last paragraph of a message as key/value pairs, in order, duplicates kept. Read
 * leniently for the audit, so a damaged trailer is reported rather than missed: a line that
 * is not `Key: value` comes back with the key ''. Empty when there is only one paragraph.
 */
export function lastParagraph(message: string): [string, string][] {
  const paragraphs = message.trimEnd().split(/\n[ \t]*\n/);
  if (paragraphs.length < 2) return [];
  return (paragraphs.at(-1) ?? '').split('\n').map((text): [string, string] => {
    const match = /^([A-Za-z0-9-]+): (.*)$/.exec(text);
    return match?.[1] === undefined || match[2] === undefined ? ['', text] : [match[1], match[2]];
  });
}
