// Which files at the top of the state directory are the runner's own writes, not an agent's:
// a runner started while an agent works takes the lock (and one killed while taking it leaves
// its lock files behind), and the kill -9 sweep once failed an attempt for them.
import { describe, expect, it } from 'vitest';
import { runnerWrites } from '../../src/fingerprint/take.js';

describe('runnerWrites', () => {
  it.each(['state.db', 'state.db-wal', 'runner.lock', 'runner.lock.8132.tmp', 'runner.lock.8132.stale', '.runner.lock.8132.tmp.8132.1764771234567.tmp', '.definitions.cache.json.77.1764771234567.tmp', 'definitions.cache.json'])(
    '%s is the runner\'s',
    (name) => {
      expect(runnerWrites(name)).toBe(true);
    },
  );

  it.each(['runner.lock.x.tmp', 'runner.lock.8132', 'state.db.bak', '.evil.1.2.tmp', 'exit.json', '01FORGED', 'runner.lock.1.tmp.sh'])('%s is not', (name) => {
    expect(runnerWrites(name)).toBe(false);
  });
});
