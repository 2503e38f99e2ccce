// dispatch.json is checked by hand (no zod: the wrapper starts once per phase). The wrapper
// must refuse anything but the exact shape the runner writes, naming the file and the field.
import { describe, expect, it } from 'vitest';
import { parseDispatchSpec, type DispatchSpec } from '../../src/dispatch/spec.js';

const FILE = '/runs/01X/dispatch.json';
const valid: DispatchSpec = {
  run_id: '01X',
  argv: ['sh', '-c', 'true'],
  cwd: '/wt',
  env: { A: '1' },
  stdin_file: null,
  timeout_ms: 1000,
  kill_grace_ms: 0,
  max_output_bytes: 10,
  output_format: 'claude-stream-json',
  run: { workstream: 'planning', phase: 1, attempt: 1, agent: 'scripted', branch: 'b', base_sha: 'abc' },
};
const parse = (value: unknown): DispatchSpec => parseDispatchSpec(JSON.stringify(value), FILE);

describe('dispatch.json', () => {
  it('reads what the runner writes, with and without the optional fields', () => {
    expect(parse(valid)).toEqual(valid);
    const required = { ...valid };
    delete required.max_output_bytes;
    delete required.output_format;
    delete required.run;
    expect(parse({ ...required, stdin_file: '/runs/01X/prompt.md' })).toEqual({ ...required, stdin_file: '/runs/01X/prompt.md' });
  });

  it('refuses a missing, unknown or wrong field, naming the file and the field', () => {
    const cases: [unknown, string][] = [
      [{ ...valid, run_id: undefined }, 'missing field "run_id"'],
      [{ ...valid, run_id: '' }, 'field "run_id"'],
      [{ ...valid, argv: [] }, 'field "argv"'],
      [{ ...valid, argv: ['sh', 1] }, 'field "argv"'],
      [{ ...valid, cwd: 5 }, 'field "cwd"'],
      [{ ...valid, env: ['A=1'] }, 'field "env"'],
      [{ ...valid, env: { A: 1 } }, 'field "env"'],
      [{ ...valid, stdin_file: 3 }, 'field "stdin_file"'],
      [{ ...valid, timeout_ms: 0 }, 'field "timeout_ms"'],
      [{ ...valid, timeout_ms: 1.5 }, 'field "timeout_ms"'],
      [{ ...valid, kill_grace_ms: -1 }, 'field "kill_grace_ms"'],
      [{ ...valid, max_output_bytes: '10' }, 'field "max_output_bytes"'],
      [{ ...valid, output_format: 'json' }, 'field "output_format"'],
      [{ ...valid, run: { ...valid.run, phase: -1 } }, 'field "run"'],
      [{ ...valid, run: { ...valid.run, extra: 1 } }, 'field "run"'],
      [{ ...valid, run: { ...valid.run, branch: undefined } }, 'field "run"'],
      [{ ...valid, shell: true }, 'unknown field "shell"'],
      [['sh'], 'not a JSON object'],
      [null, 'not a JSON object'],
    ];
    for (const [value, problem] of cases) {
      expect(() => parse(value)).toThrow(`${FILE} is not a dispatch spec: ${problem}`);
    }
    expect(() => parseDispatchSpec('{"run_id": "01X", ', FILE)).toThrow(`${FILE} is not JSON`);
  });
});
