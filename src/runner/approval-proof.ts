// The proof that an approval (or rejection) was recorded by `phaserunner approve` or `reject`:
// a MAC over the decision under a key that lives outside the repository
// ($XDG_CONFIG_HOME/phaserunner/approval.key, mode 0600), where an agent's checkout, its
// sandbox (agents.<name>.sandbox) and the state directory do not reach. A row written into
// the store by anything else (an agent that found state.db) carries no valid proof and does
// not count. An agent running unsandboxed as the same user can read any file the user can,
// the key included: docs/containment.md says so, and what else holds it back.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { isAbsolute, join } from 'node:path';
import type { ApprovalRow } from '../store/store.js';

/** Environment variable naming another key file (tests, or a key on a separate mount). */
export const KEY_FILE_ENV = 'PHASERUNNER_APPROVAL_KEY_FILE';

export function keyFile(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[KEY_FILE_ENV];
  if (override !== undefined && override !== '') return override;
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.config'), 'phaserunner', 'approval.key');
}

function readKey(file: string): Buffer | undefined {
  try {
    const text = readFileSync(file, 'utf8').trim();
    return /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  } catch {
    return undefined;
  }
}

/** The key, made on first use (only `approve` and `reject` make one). */
function keyForSigning(file: string): Buffer {
  const existing = readKey(file);
  if (existing !== undefined) return existing;
  const key = randomBytes(32);
  mkdirSync(join(file, '..'), { recursive: true, mode: 0o700 });
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600, flag: 'w' });
  chmodSync(file, 0o600);
  return key;
}

type Signed = Pick<ApprovalRow, 'workstream' | 'phase' | 'run_id' | 'decision' | 'by' | 'commit_sha' | 'digest' | 'at'>;

function mac(key: Buffer, row: Signed): string {
  const fields = [row.workstream, row.phase, row.run_id, row.decision, row.by, row.commit_sha, row.digest, row.at];
  return `v1:${createHmac('sha256', key).update(JSON.stringify(fields)).digest('hex')}`;
}

/** The proof to record with a decision. */
export function proveDecision(row: Signed, file = keyFile()): string {
  return mac(keyForSigning(file), row);
}

/** True when the row carries a proof made with this user's key. */
export function provenDecision(row: Signed & { readonly proof?: string | null }, file = keyFile()): boolean {
  const key = readKey(file);
  if (key === undefined || typeof row.proof !== 'string') return false;
  const expected = Buffer.from(mac(key, row));
  const given = Buffer.from(row.proof);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
