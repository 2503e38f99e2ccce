import { describe, expect, it } from 'vitest';
import { evaluateGate } from '../../src/gates/evaluate.js';
import type { FileSource } from '../../src/gates/files.js';
import { runJsonCheckSync } from '../../src/gates/json-check.js';
import { runTasksCheckSync } from '../../src/gates/tasks-check.js';
import type { Check } from '../../src/phases/schema.js';
import { tempDir, writeFile } from '../helpers/git.js';
import { symlinkSync } from 'node:fs';
import { join } from 'node:path';

const target = { kind: 'phase', phase: 2 } as const;

async function check(files: Record<string, string>, c: Check): Promise<{ ok: boolean; message: string }> {
  const dir = tempDir();
  for (const [path, content] of Object.entries(files)) writeFile(dir, path, content);
  const result = await evaluateGate(target, [c], dir);
  const first = result.checks[0];
  if (first === undefined) throw new Error('no result');
  expect(result.ok).toBe(first.ok);
  return first;
}

const file = (extra: Partial<Extract<Check, { kind: 'file' }>>): Check => ({ kind: 'file', path: 'a.md', ...extra });

describe('file checks', () => {
  it('passes a present, non-empty file', async () => {
    expect(await check({ 'a.md': '# A\n' }, file({}))).toMatchObject({ ok: true });
  });

  it('names a missing file', async () => {
    expect(await check({}, file({}))).toMatchObject({ ok: false, message: 'a.md is missing.' });
  });

  it('fails a blank file unless emptiness is allowed', async () => {
    expect(await check({ 'a.md': ' \n\n' }, file({}))).toMatchObject({ ok: false, message: 'a.md is empty.' });
    expect(await check({ 'a.md': '' }, file({ non_empty: false }))).toMatchObject({ ok: true });
  });

  it('counts glob matches against min_count', async () => {
    const c = file({ path: 'adr/*.md', min_count: 2 });
    expect(await check({ 'adr/1.md': 'x' }, c)).toMatchObject({ ok: false, message: 'expected at least 2 file(s) matching adr/*.md, found 1.' });
    expect(await check({ 'adr/1.md': 'x', 'adr/2.md': 'y' }, c)).toMatchObject({ ok: true });
    expect(await check({}, file({ path: 'adr/*.md', min_count: 0 }))).toMatchObject({ ok: true });
  });

  it('requires a pattern, and reports the file and line of a forbidden one', async () => {
    expect(await check({ 'a.md': '# A\n' }, file({ must_match: '^## Gaps' }))).toMatchObject({ ok: false, message: 'a.md has no match for /^## Gaps/.' });
    expect(await check({ 'a.md': '## Gaps\n' }, file({ must_match: '^## Gaps' }))).toMatchObject({ ok: true });
    const todo = await check({ 'a.md': '# A\n\nline\nTODO: later\n' }, file({ must_not_match: '\\bTODO\\b' }));
    expect(todo).toMatchObject({ ok: false, message: 'a.md:4 contains "TODO", which must not appear.' });
  });

  it('does not read through a symlink that leaves the checkout', async () => {
    const dir = tempDir();
    const outside = tempDir();
    writeFile(outside, 'secret.md', 'secret\n');
    symlinkSync(join(outside, 'secret.md'), join(dir, 'a.md'));
    const result = await evaluateGate(target, [file({})], dir);
    // A symlink is not a regular file: the check sees no file at all.
    expect(result.checks[0]).toMatchObject({ ok: false, message: 'a.md is missing.' });
  });
});

describe('json checks', () => {
  const tasks = (value: unknown): Record<string, string> => ({ 'planning/tasks.json': JSON.stringify(value) });
  const c: Check = { kind: 'json', path: 'planning/tasks.json', schema: 'builtin:tasks' };

  it('validates the built-in task schema and names the failing field', async () => {
    expect(await check(tasks({ version: 1, tasks: [{ id: 'T-1', title: 't', depends_on: [] }] }), c)).toMatchObject({ ok: true });
    const bad = await check(tasks({ version: 1, tasks: [{ id: 'T-1', title: 't', depends_on: 'T-0' }] }), c);
    expect(bad.ok).toBe(false);
    expect(bad.message).toContain('tasks[0].depends_on');
  });

  it('reports invalid JSON and a missing file', async () => {
    expect(await check({ 'planning/tasks.json': '{"version": 1,' }, c)).toMatchObject({ ok: false, message: expect.stringContaining('is not valid JSON') as unknown });
    expect(await check({}, c)).toMatchObject({ ok: false, message: 'planning/tasks.json is missing.' });
  });

  it('validates against a JSON Schema file in the repository', async () => {
    const schema = JSON.stringify({ type: 'object', properties: { name: { type: 'string' } }, required: ['name'] });
    const custom: Check = { kind: 'json', path: 'data.json', schema: 'schemas/data.json' };
    expect(await check({ 'schemas/data.json': schema, 'data.json': '{"name": "x"}' }, custom)).toMatchObject({ ok: true });
    const bad = await check({ 'schemas/data.json': schema, 'data.json': '{"name": 3}' }, custom);
    expect(bad).toMatchObject({ ok: false });
    expect(bad.message).toContain('name:');
    expect(await check({ 'data.json': '{}' }, custom)).toMatchObject({ ok: false, message: 'the JSON Schema schemas/data.json is missing.' });
  });
});

describe('task graph checks', () => {
  const c: Check = { kind: 'tasks', path: 't.json' };
  const graph = (tasks: { id: string; depends_on: string[] }[]): Record<string, string> => ({ 't.json': JSON.stringify({ version: 1, tasks: tasks.map((t) => ({ ...t, title: t.id })) }) });
  const v2 = (tasks: Record<string, unknown>[]): Record<string, string> => ({ 't.json': JSON.stringify({ version: 2, tasks }) });
  const task = (id: string, extra: Record<string, unknown> = {}): Record<string, unknown> => ({ id, title: id, depends_on: [], writes: [`src/${id}.js`], checks: [{ argv: ['node', '--test'] }], ...extra });

  it('accepts a well-formed graph', async () => {
    expect(await check(graph([{ id: 'A', depends_on: [] }, { id: 'B', depends_on: ['A'] }]), c)).toMatchObject({ ok: true, message: 't.json: a version 1 plan of 2 task(s), dependencies well formed.' });
  });

  it('reports duplicate ids, dangling and self dependencies, and cycles, each with its field', async () => {
    const dup = await check(graph([{ id: 'A', depends_on: [] }, { id: 'A', depends_on: [] }]), c);
    expect(dup.message).toBe('t.json: tasks[1].id: task id A is used more than once (also by tasks[0]).');
    const dangling = await check(graph([{ id: 'A', depends_on: ['Z'] }]), c);
    expect(dangling.message).toBe('t.json: tasks[0].depends_on[0]: A depends on Z, which is not a task.');
    const self = await check(graph([{ id: 'A', depends_on: ['A'] }]), c);
    expect(self.message).toBe('t.json: tasks[0].depends_on[0]: A depends on itself.');
    const cycle = await check(graph([{ id: 'A', depends_on: ['C'] }, { id: 'B', depends_on: ['A'] }, { id: 'C', depends_on: ['B'] }]), c);
    expect(cycle).toMatchObject({ ok: false });
    expect(cycle.message).toMatch(/^t\.json: tasks\[0\]\.depends_on: dependency cycle: A -> C -> B -> A\.$/);
  });

  it("judges a version 2 plan's fields through the plan loader, naming the file and the field", async () => {
    expect(await check(v2([task('T-1'), task('T-2', { depends_on: ['T-1'] })]), c)).toMatchObject({ ok: true, message: 't.json: a version 2 plan of 2 task(s), dependencies well formed.' });
    expect(await check(v2([task('T-1', { writes: undefined })]), c)).toMatchObject({ ok: false, message: 't.json: tasks[0].writes: required (expected array).' });
    const outside = await check(v2([task('T-1', { writes: ['../elsewhere/x.js'] })]), c);
    expect(outside.message).toBe('t.json: tasks[0].writes[0]: path "../elsewhere/x.js" must not contain "." or ".." segments.');
  });

  it('with min_version 2, refuses a version 1 plan, saying what version 2 needs', async () => {
    const strict: Check = { kind: 'tasks', path: 't.json', min_version: 2 };
    const result = await check(graph([{ id: 'A', depends_on: [] }]), strict);
    expect(result).toMatchObject({ ok: false });
    expect(result.message).toMatch(/^t\.json: version: must be 2 \(it is 1\): an executable plan, every task with "writes" .* and "checks" \(commands\)\.$/);
    expect(await check(v2([task('T-1')]), strict)).toMatchObject({ ok: true });
  });

  it('lists five problems and counts the rest', async () => {
    const many = await check(v2(['a', 'b', 'c', 'd', 'e', 'f', 'g'].map((id) => task(`T-${id}`, { depends_on: ['nowhere'] }))), c);
    expect(many.message.split('; ')).toHaveLength(5);
    expect(many.message).toMatch(/T-e depends on nowhere, which is not a task \(and 2 more\)\.$/);
  });
});

describe('command checks', () => {
  it('passes on exit 0 and keeps the output', async () => {
    const dir = tempDir();
    const result = await evaluateGate(target, [{ kind: 'command', argv: ['sh', '-c', 'echo hello'], timeout_seconds: 10 }], dir);
    expect(result.checks[0]).toMatchObject({ ok: true, output: 'hello\n' });
  });

  it('fails on a non-zero exit with the last output lines', async () => {
    const dir = tempDir();
    const result = await evaluateGate(target, [{ kind: 'command', argv: ['sh', '-c', 'echo boom >&2; exit 4'], timeout_seconds: 10 }], dir);
    expect(result.checks[0]).toMatchObject({ ok: false, message: '`sh -c echo boom >&2; exit 4` exited 4: boom' });
  });

  // The background `sleep 30` holds the output pipe open: if the whole process group were not
  // killed, the check could not finish until it exits, and this test would time out.
  it('kills a command that runs past its timeout, with everything it started', async () => {
    const dir = tempDir();
    const started = Date.now();
    const result = await evaluateGate(target, [{ kind: 'command', argv: ['sh', '-c', 'sleep 30 & sleep 30'], timeout_seconds: 0.5 }], dir);
    expect(result.checks[0]).toMatchObject({ ok: false, message: expect.stringContaining('did not finish within 0.5s') as unknown });
    expect(Date.now() - started).toBeLessThan(10_000);
  });

  it('reports a command that cannot start', async () => {
    const result = await evaluateGate(target, [{ kind: 'command', argv: ['/nonexistent/tool'], timeout_seconds: 5 }], tempDir());
    expect(result.checks[0]).toMatchObject({ ok: false, message: expect.stringContaining('could not start') as unknown });
  });
});

describe('gates over a source other than the checkout (the runner\'s staged tree, the audit\'s merge tree)', () => {
  /** Files in memory, as a tree gives them. */
  const memory = (files: Record<string, string>): FileSource => ({
    list: (pattern) => Promise.resolve(Object.keys(files).filter((p) => (pattern.includes('*') ? p.startsWith(pattern.slice(0, pattern.indexOf('*'))) : p === pattern)).sort()),
    read: (path) => Promise.resolve(files[path]),
  });
  const graph = JSON.stringify({ version: 1, tasks: [{ id: 'A', title: 'a', depends_on: ['B'] }, { id: 'B', title: 'b', depends_on: ['A'] }] });

  it('reads file, json and tasks checks from the source, and runs command checks in the checkout', async () => {
    const dir = tempDir();
    writeFile(dir, 'a.md', '## Gaps\n');
    writeFile(dir, 't.json', JSON.stringify({ version: 1, tasks: [{ id: 'A', title: 'a', depends_on: [] }] }));
    const checks: Check[] = [
      file({ must_match: '^## Gaps' }),
      { kind: 'json', path: 't.json', schema: 'builtin:tasks' },
      { kind: 'tasks', path: 't.json' },
      { kind: 'command', argv: ['sh', '-c', 'grep -q "^## Gaps" a.md'], timeout_seconds: 10 },
    ];
    const result = await evaluateGate(target, checks, dir, { files: memory({ 'a.md': '# Stored otherwise\n', 't.json': graph }) });
    expect(result.checks.map((c) => [c.kind, c.ok])).toEqual([['file', false], ['json', true], ['tasks', false], ['command', true]]);
    expect(result.checks[2]?.message).toMatch(/^t\.json: tasks\[0\]\.depends_on: dependency cycle: /);
  });

  it('the same checks run synchronously over a tree, as the audit runs them', () => {
    const tree = { list: (p: string) => (p === 't.json' ? ['t.json'] : []), read: (p: string) => (p === 't.json' ? graph : undefined) };
    expect(runTasksCheckSync({ kind: 'tasks', path: 't.json' }, tree)).toMatchObject({ ok: false, message: expect.stringContaining('dependency cycle') as unknown });
    expect(runJsonCheckSync({ kind: 'json', path: 't.json', schema: 'builtin:tasks' }, tree)).toMatchObject({ ok: true });
    expect(runJsonCheckSync({ kind: 'json', path: 'x.json', schema: 'builtin:tasks' }, tree)).toMatchObject({ ok: false, message: 'x.json is missing.' });
  });
});
