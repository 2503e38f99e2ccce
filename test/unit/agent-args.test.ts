// Each adapter's invocation: phaserunner's own flags first (the permission settings that keep
// the agent in its checkout), then the configured model and extra arguments, agent-wide and
// per role.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { aiderAdapter, aiderArgs } from '../../src/agents/aider.js';
import { claudeArgs } from '../../src/agents/claude.js';
import { codexArgs } from '../../src/agents/codex.js';
import { GEMINI_POLICY, geminiArgs } from '../../src/agents/gemini.js';
import { AiderAgentConfig, ClaudeAgentConfig, CodexAgentConfig, GeminiAgentConfig } from '../../src/config/schema.js';
import { ROOT } from '../helpers/git.js';

describe('claude', () => {
  const config = ClaudeAgentConfig.parse({
    type: 'claude',
    model: 'sonnet',
    args: ['--max-turns', '40'],
    roles: { architect: { model: 'opus', args: ['--append-system-prompt', 'Be brief.'] }, planner: { args: ['--effort', 'high'] } },
  });

  it('runs non-interactively with JSON events, edits accepted in the checkout and no shell', () => {
    const args = claudeArgs(config, { role: 'analyst' });
    expect(args.slice(0, 8)).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--disallowedTools', 'Bash']);
    expect(args).not.toContain('--dangerously-skip-permissions');
    expect(args.slice(8)).toEqual(['--model', 'sonnet', '--max-turns', '40']);
  });

  it("takes a role's model over the agent's, and adds the role's arguments last", () => {
    expect(claudeArgs(config, { role: 'architect' }).slice(8)).toEqual(['--model', 'opus', '--max-turns', '40', '--append-system-prompt', 'Be brief.']);
    expect(claudeArgs(config, { role: 'planner' }).slice(8)).toEqual(['--model', 'sonnet', '--max-turns', '40', '--effort', 'high']);
  });

  it('passes no --model when none is configured: Claude Code picks its default', () => {
    expect(claudeArgs(ClaudeAgentConfig.parse({ type: 'claude' }), { role: 'architect' })).not.toContain('--model');
  });
});

describe('codex', () => {
  const config = CodexAgentConfig.parse({ type: 'codex', model: 'gpt-5.5', args: ['-c', 'model_reasoning_effort="high"'], roles: { planner: { model: 'gpt-5.5-mini' } } });

  it('runs codex exec with JSON events in its workspace-write sandbox, /tmp excluded, the prompt on stdin last', () => {
    expect(codexArgs(config, { role: 'architect' })).toEqual([
      'exec',
      '--json',
      '--sandbox',
      'workspace-write',
      '-c',
      'sandbox_workspace_write.exclude_slash_tmp=true',
      '-c',
      'sandbox_workspace_write.exclude_tmpdir_env_var=true',
      '--model',
      'gpt-5.5',
      '-c',
      'model_reasoning_effort="high"',
      '-',
    ]);
    expect(codexArgs(config, { role: 'planner' })).toContain('gpt-5.5-mini');
    expect(codexArgs(config, { role: 'planner' }).join(' ')).not.toMatch(/danger|bypass/);
  });
});

describe('gemini', () => {
  it("runs headless with JSON events, edits accepted, phaserunner's policy file, and the role's model", () => {
    const config = GeminiAgentConfig.parse({ type: 'gemini', roles: { analyst: { model: 'gemini-2.5-pro', args: ['--include-directories', '../docs'] } } });
    expect(geminiArgs(config, { role: 'analyst' })).toEqual(['--output-format', 'stream-json', '--approval-mode', 'auto_edit', '--skip-trust', '--admin-policy', GEMINI_POLICY, '--model', 'gemini-2.5-pro', '--include-directories', '../docs']);
    expect(geminiArgs(config, { role: 'architect' })).not.toContain('--model');
    expect(geminiArgs(config, { role: 'architect' })).not.toContain('yolo');
  });

  it('ships its policy file in the package, denying the shell', () => {
    const policy = readFileSync(GEMINI_POLICY, 'utf8');
    expect(policy).toMatch(/toolName = \[[^\]]*"run_shell_command"[^\]]*\]\ndecision = "deny"/);
    expect((JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { files: string[] }).files).toContain('agents');
  });
});

describe('aider', () => {
  const context = { promptFile: '/runs/r1/prompt.md', runDir: '/runs/r1', role: 'architect', intent: 'INTENT.md' };

  it('sends the prompt file as one message, with its commits off and its own files out of the checkout', () => {
    const args = aiderArgs(AiderAgentConfig.parse({ type: 'aider', model: 'sonnet', args: ['--edit-format', 'whole'] }), context);
    expect(args.slice(0, 2)).toEqual(['--message-file', '/runs/r1/prompt.md']);
    for (const flag of ['--yes-always', '--no-auto-commits', '--no-dirty-commits', '--no-suggest-shell-commands', '--no-gitignore', '--no-check-update', '--no-analytics', '--no-show-release-notes']) expect(args).toContain(flag);
    expect(args.join(' ')).toContain('--map-tokens 0');
    expect(args.join(' ')).toContain('--chat-history-file /runs/r1/aider.chat.history.md --input-history-file /runs/r1/aider.input.history');
    expect(args.join(' ')).toContain('--read INTENT.md');
    expect(args.slice(-4)).toEqual(['--model', 'sonnet', '--edit-format', 'whole']);
  });

  it('is started with the prompt in its arguments, not on stdin, and no JSON events', () => {
    const adapter = aiderAdapter('aider', AiderAgentConfig.parse({ type: 'aider', command: '/bin/true' }), '/');
    const invocation = adapter.invocation({ ...context, worktree: '/wt', phase: 1, phaseName: 'architecture-baseline', runId: 'r1', attempt: 1, outputs: ['planning/architecture.md'] });
    expect(invocation.argv[0]).toBe('/bin/true');
    expect(invocation.stdin).toBe(false);
    expect(invocation.output).toBeUndefined();
    expect(invocation.env.PHASERUNNER_PHASE).toBe('1');
    expect(invocation.sandbox).toBeUndefined();
  });

  it("runs in phaserunner's sandbox when configured, its histories in the run directory writable there", () => {
    const adapter = aiderAdapter('aider', AiderAgentConfig.parse({ type: 'aider', command: '/bin/true', sandbox: 'bubblewrap' }), '/');
    const invocation = adapter.invocation({ ...context, worktree: '/wt', phase: 1, phaseName: 'architecture-baseline', runId: 'r1', attempt: 1, outputs: ['planning/architecture.md'] });
    expect(invocation.sandbox).toBe('bubblewrap');
    expect(invocation.runDirFiles).toEqual(['/runs/r1/aider.chat.history.md', '/runs/r1/aider.input.history']);
  });
});
