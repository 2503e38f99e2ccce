// Each adapter's invocation: phaserunner's own flags first (the permission settings that keep
// the agent in its checkout), then the configured model and extra arguments, agent-wide and
// per role.
import { describe, expect, it } from 'vitest';
import { claudeArgs } from '../../src/agents/claude.js';
import { ClaudeAgentConfig } from '../../src/config/schema.js';

describe('claude', () => {
  const config = ClaudeAgentConfig.parse({
    type: 'claude',
    model: 'sonnet',
    args: ['--max-turns', '40'],
    roles: { architect: { model: 'opus', args: ['--append-system-prompt', 'Be brief.'] }, planner: { args: ['--effort', 'high'] } },
  });

  it('runs non-interactively with JSON events, edits accepted in the checkout and no shell', () => {
    const args = claudeArgs(config, 'analyst');
    expect(args.slice(0, 8)).toEqual(['-p', '--output-format', 'stream-json', '--verbose', '--permission-mode', 'acceptEdits', '--disallowedTools', 'Bash']);
    expect(args).not.toContain('--dangerously-skip-permissions');
    expect(args.slice(8)).toEqual(['--model', 'sonnet', '--max-turns', '40']);
  });

  it("takes a role's model over the agent's, and adds the role's arguments last", () => {
    expect(claudeArgs(config, 'architect').slice(8)).toEqual(['--model', 'opus', '--max-turns', '40', '--append-system-prompt', 'Be brief.']);
    expect(claudeArgs(config, 'planner').slice(8)).toEqual(['--model', 'sonnet', '--max-turns', '40', '--effort', 'high']);
  });

  it('passes no --model when none is configured: Claude Code picks its default', () => {
    expect(claudeArgs(ClaudeAgentConfig.parse({ type: 'claude' }), 'architect')).not.toContain('--model');
  });
});
