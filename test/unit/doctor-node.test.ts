// The node check against package.json's engines: the running node passes, an older one fails with how to upgrade.
import { describe, expect, it } from 'vitest';
import { checkNode } from '../../src/doctor/node.js';

describe('the node check', () => {
  it('passes the node running the tests', () => {
    expect(checkNode()).toMatchObject({ name: 'node', ok: true, level: 'ok', details: { version: process.version } });
  });

  it('fails a node older than package.json requires, naming both versions', () => {
    const result = checkNode('18.19.0');
    expect(result).toMatchObject({ ok: false, level: 'fail', details: { version: 'v18.19.0' } });
    expect(result.message).toMatch(/^node v18\.19\.0 is older than 20\.\d+, which phaserunner needs$/);
    expect(result.fix).toMatch(/^Install Node\.js 20\.\d+ or newer/);
  });
});
