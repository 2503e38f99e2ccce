// dispatch.json: what the wrapper must run. Written by the runner before the wrapper starts.
// Checked by hand rather than with zod: the wrapper starts once per phase, and loading zod
// was half of its start-up (about 70 of 140 ms, measured in `npm run bench`). The file is
// the runner's own, never the user's, so no JSON Schema is published for it.
import { isOutputFormat, type OutputFormat } from './agent-output/types.js';

export interface DispatchRecord {
  readonly workstream: string;
  readonly phase: number;
  readonly attempt: number;
  readonly agent: string;
  readonly branch: string;
  readonly base_sha: string;
}

export interface DispatchSpec {
  readonly run_id: string;
  readonly argv: readonly string[];
  readonly cwd: string;
  /** The agent's whole environment: the wrapper adds nothing (dispatch/agent-command.ts). */
  readonly env: Readonly<Record<string, string>>;
  /** argv starts the agent in this sandbox (dispatch/sandbox.ts); read when judging a failed start. */
  readonly sandbox?: 'bubblewrap';
  readonly stdin_file: string | null;
  readonly timeout_ms: number;
  readonly kill_grace_ms: number;
  /** stdout and stderr together; past it the agent is stopped. */
  readonly max_output_bytes?: number;
  /** The store's record of the run, so a runner that lost its store can adopt the attempt. */
  readonly run?: DispatchRecord;
  /** The agent's structured stdout, read for usage into exit.json and for progress. */
  readonly output_format?: OutputFormat;
  /**
   * Which launch of the attempt this is (1 when absent): a runner relaunches an attempt whose
   * agent provably never started (claim.ts), and the wrapper of an older launch must not run it.
   */
  readonly launch?: number;
}

type Field = (value: unknown) => boolean;
interface FieldRule {
  readonly check: Field;
  readonly optional?: true;
}

const isObject = (value: unknown): value is Record<string, unknown> => typeof value === 'object' && value !== null && !Array.isArray(value);
const str: Field = (v) => typeof v === 'string';
const nonEmpty: Field = (v) => typeof v === 'string' && v !== '';
const int = (min: number): Field => (v) => Number.isSafeInteger(v) && (v as number) >= min;

const RECORD_FIELDS: Record<keyof DispatchRecord, FieldRule> = {
  workstream: { check: str },
  // 0 for an execution task (its id is the run's step in the store).
  phase: { check: int(0) },
  attempt: { check: int(1) },
  agent: { check: str },
  branch: { check: str },
  base_sha: { check: str },
};

const SPEC_FIELDS: Record<keyof DispatchSpec, FieldRule> = {
  run_id: { check: nonEmpty },
  argv: { check: (v) => Array.isArray(v) && v.length > 0 && v.every(str) },
  cwd: { check: nonEmpty },
  env: { check: (v) => isObject(v) && Object.values(v).every(str) },
  sandbox: { check: (v) => v === 'bubblewrap', optional: true },
  stdin_file: { check: (v) => v === null || str(v) },
  timeout_ms: { check: int(1) },
  kill_grace_ms: { check: int(0) },
  max_output_bytes: { check: int(1), optional: true },
  output_format: { check: isOutputFormat, optional: true },
  launch: { check: int(1), optional: true },
  run: { check: (v) => fieldProblem(v, RECORD_FIELDS) === undefined, optional: true },
};

/** The first field of `value` that is missing, unknown or of the wrong kind, or undefined. */
function fieldProblem(value: unknown, fields: Readonly<Record<string, FieldRule>>): string | undefined {
  if (!isObject(value)) return 'not a JSON object';
  for (const key of Object.keys(value)) if (!(key in fields)) return `unknown field "${key}"`;
  for (const [key, { check, optional }] of Object.entries(fields)) {
    const present = Object.hasOwn(value, key) && value[key] !== undefined;
    if (!present) {
      if (optional !== true) return `missing field "${key}"`;
    } else if (!check(value[key])) return `field "${key}" is not valid`;
  }
  return undefined;
}

/** Parses dispatch.json's text; throws naming the file and the field when it is not one. */
export function parseDispatchSpec(text: string, file: string): DispatchSpec {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(`${file} is not JSON: ${(error as Error).message}`, { cause: error });
  }
  const problem = fieldProblem(value, SPEC_FIELDS);
  if (problem !== undefined) throw new Error(`${file} is not a dispatch spec: ${problem}`);
  return value as DispatchSpec;
}
