// `phaserunner show N --prompt`: the exact prompt an attempt got, byte for byte, and before the
// first attempt the prompt it would get now, rendered from the base branch as git has it.
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { cli, json } from '../helpers/cli.js';
import { git, ROOT, writeFile } from '../helpers/git.js';
import { runsOf, scriptedRepo } from '../helpers/setup.js';
import type { PromptView } from '../../src/runner/show-prompt.js';

describe('show N --prompt', () => {
  it("prints an attempt's prompt file exactly, the latest or the one asked for", () => {
    const repo = scriptedRepo({ '1': ['todo', 'ok'] });
    expect(cli(repo, ['run', '--wait']).code).toBe(1);
    expect(cli(repo, ['retry', '1', '--wait', '--until', '1']).code).toBe(0);
    const [first, second] = runsOf(repo);
    const latest = cli(repo, ['show', '1', '--prompt']);
    expect(latest.code).toBe(0);
    expect(latest.stdout).toBe(readFileSync(join(second?.run_dir ?? '', 'prompt.md'), 'utf8'));
    expect(latest.stdout).toContain('## Why the previous attempt failed');
    expect(latest.stderr).toBe('');
    const earlier = cli(repo, ['show', '1', '--prompt', '--attempt', '1']);
    expect(earlier.stdout).toBe(readFileSync(join(first?.run_dir ?? '', 'prompt.md'), 'utf8'));
    const view = json<PromptView>(cli(repo, ['show', '1', '--prompt', '--json']));
    expect(view).toMatchObject({ phase: 1, attempt: 2, run_id: second?.run_id, preview: false, base: null, prompt: latest.stdout });
  });

  it('renders the prompt a phase would get now, from the base branch rather than the checkout, changing nothing', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    // An uncommitted change in the user's checkout is not what the agent would see.
    writeFile(repo, 'planning/architecture.md', 'uncommitted draft\n');
    const refs = git(repo, 'for-each-ref');
    const preview = cli(repo, ['show', '2', '--prompt']);
    expect(preview.code).toBe(0);
    expect(preview.stderr).toMatch(/phase 2 has no attempt yet: this is the prompt it would get now, from main at [0-9a-f]{12}\./);
    expect(preview.stdout).toContain('# Phase 2: Gap analysis');
    expect(preview.stdout).toContain('### Phase 1: Architecture baseline');
    expect(preview.stdout).toContain(git(repo, 'show', 'main:planning/architecture.md').split('\n')[0]);
    expect(preview.stdout).not.toContain('uncommitted draft');
    expect(preview.stdout).toContain('## Files you must write\n\n- planning/gap-analysis.md\n');
    expect(git(repo, 'for-each-ref')).toBe(refs);
    const view = json<PromptView>(cli(repo, ['show', '2', '--prompt', '--json']));
    expect(view).toMatchObject({ phase: 2, attempt: null, preview: true, base: { branch: 'main', commit: git(repo, 'rev-parse', 'main') } });
    expect(view.prompt).toBe(preview.stdout);
  });

  it("gives phase 4 the task list's JSON Schema inline, and names no file that is neither in the repository nor one it writes", () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '3']).code).toBe(0);
    const preview = cli(repo, ['show', '4', '--prompt']);
    expect(preview.code, preview.stderr).toBe(0);
    const prompt = preview.stdout;
    const schema = readFileSync(join(ROOT, 'schema', 'tasks.schema.json'), 'utf8').trimEnd();
    expect(prompt).toContain('- planning/tasks.json is a version 2 task plan matching the task list schema, given in full below: every task with "writes" and at least one command in "checks"');
    expect(prompt).toContain(`planning/tasks.json must match the task list schema, this JSON Schema:\n\n\`\`\`json\n${schema}\n\`\`\``);
    // Every file the prompt names is in the agent's checkout (main, which it starts from), or
    // is phase 4's to write (planning/tasks.json, planning/tasks/*.md).
    const inRepo = new Set(git(repo, 'ls-tree', '-r', '--name-only', 'main').split('\n'));
    const named = [...new Set(prompt.match(/[\w./<>*-]+\.(?:json|md)\b/g) ?? [])];
    expect(named).toContain('planning/epics.md');
    const missing = named.filter((path) => !inRepo.has(path) && !['planning/tasks.json', 'tasks.json'].includes(path) && !path.startsWith('planning/tasks/'));
    expect(missing).toEqual([]);
    expect(prompt).not.toMatch(/(^|[\s(`])schema\//m);
    // The preview is what the first attempt gets, byte for byte.
    expect(cli(repo, ['run', '--until', '4']).code).toBe(0);
    const [, , , run] = runsOf(repo);
    expect(existsSync(join(run?.run_dir ?? '', 'prompt.md'))).toBe(true);
    expect(readFileSync(join(run?.run_dir ?? '', 'prompt.md'), 'utf8')).toBe(prompt);
  });

  it('says so when an attempt\'s prompt file is gone, and refuses an unknown phase or attempt', () => {
    const repo = scriptedRepo();
    expect(cli(repo, ['run', '--wait', '--until', '1']).code).toBe(0);
    const [run] = runsOf(repo);
    rmSync(join(run?.run_dir ?? '', 'prompt.md'));
    const gone = cli(repo, ['show', '1', '--prompt']);
    expect(gone.code).toBe(65);
    expect(gone.stdout).toBe('');
    expect(gone.stderr).toContain('the prompt file of phase 1 attempt 1 is missing');
    expect(cli(repo, ['show', '9', '--prompt']).code).toBe(64);
    expect(cli(repo, ['show', '1', '--prompt', '--attempt', '4']).code).toBe(64);
  });
});
