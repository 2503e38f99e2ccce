// A secret of the user's, outside every repository: $XDG_CONFIG_HOME/phaserunner/key (0600).
// It signs what phaserunner keeps where an agent can reach it (an approval in the store, the
// definitions cache in the state directory), so that a copy written by anything else is told
// apart. An agent's sandbox does not mount it; an unsandboxed agent running as the same user
// can read it like any of the user's files (docs/containment.md).
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, isAbsolute, join } from 'node:path';

/** Environment variable naming another key file (a key on a separate mount, or a test's). */
export const KEY_FILE_ENV = 'PHASERUNNER_KEY_FILE';

export function userKeyFile(env: NodeJS.ProcessEnv = process.env): string {
  const override = env[KEY_FILE_ENV];
  if (override !== undefined && override !== '') return override;
  const xdg = env.XDG_CONFIG_HOME;
  return join(xdg !== undefined && isAbsolute(xdg) ? xdg : join(homedir(), '.config'), 'phaserunner', 'key');
}

/** Keys read in this process, by file: `status` checks a signature per phase and the cache's. */
const read = new Map<string, Buffer | undefined>();

/** The key, or undefined when there is none (yet) or it is not one of ours. */
export function readUserKey(file = userKeyFile()): Buffer | undefined {
  if (read.has(file)) return read.get(file);
  let key: Buffer | undefined;
  try {
    const text = readFileSync(file, 'utf8').trim();
    key = /^[0-9a-f]{64}$/.test(text) ? Buffer.from(text, 'hex') : undefined;
  } catch {
    key = undefined;
  }
  read.set(file, key);
  return key;
}

/** The key, made on first use: by the verbs that act (a run's dispatch, approve, reject). */
export function userKey(file = userKeyFile()): Buffer {
  const existing = readUserKey(file);
  if (existing !== undefined) return existing;
  const key = randomBytes(32);
  mkdirSync(dirname(file), { recursive: true, mode: 0o700 });
  writeFileSync(file, key.toString('hex') + '\n', { mode: 0o600 });
  chmodSync(file, 0o600);
  read.set(file, key);
  return key;
}

/** A MAC of `text` under `key`, tagged with its scheme. */
export function signText(key: Buffer, text: string): string {
  return `v1:${createHmac('sha256', key).update(text).digest('hex')}`;
}

/** True when `mac` is signText(key, text). */
export function signedBy(key: Buffer, text: string, mac: unknown): boolean {
  if (typeof mac !== 'string') return false;
  const expected = Buffer.from(signText(key, text));
  const given = Buffer.from(mac);
  return expected.length === given.length && timingSafeEqual(expected, given);
}
