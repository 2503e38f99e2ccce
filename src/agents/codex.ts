// Codex CLI, as `codex exec` ships it (measured against 0.169.0 with a scripted Responses API
// server: test/agents/). The prompt on stdin (`-`; an open stdin without EOF would block it
// forever, the prompt file always ends), JSON events on stdout (`--json`). Permissions come
// from its sandbox (bubblewrap on Linux):
// - `--sandbox workspace-write` lets it write inside the working directory (the checkout)
//   only; the checkout's `.git` stays read-only, so `git add` and `git commit` fail;
// - that mode also makes /tmp and $TMPDIR writable unless these two settings exclude them;
// - `codex exec` never asks for approval: what the sandbox refuses is refused.
// Refusals exit 0 and mostly leave no JSON event: phaserunner's own check of the checkout is
// what catches a stray write.
import type { CliAgentConfig } from '../config/schema.js';
import type { AgentAdapter, AgentContext } from './types.js';
import { cliAdapter, forRole, type CliSettings } from './cli-agent.js';

export function codexArgs(config: CliSettings, { role }: Pick<AgentContext, 'role'>): string[] {
  return [
    'exec',
    '--json',
    '--sandbox',
    'workspace-write',
    '-c',
    'sandbox_workspace_write.exclude_slash_tmp=true',
    '-c',
    'sandbox_workspace_write.exclude_tmpdir_env_var=true',
    ...forRole(config, role),
    // Last: the prompt is read from stdin.
    '-',
  ];
}

export function codexAdapter(name: string, config: CliAgentConfig, root: string): AgentAdapter {
  return cliAdapter(name, config, root, { args: codexArgs, stdin: true, output: 'codex-json' });
}
