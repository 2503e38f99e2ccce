// Gemini CLI, headless (measured against 0.61.0 with a scripted Gemini API server:
// test/agents/). The prompt on stdin (it closes: a stdin that never ends would block it), JSON
// events on stdout (`--output-format stream-json`). Permissions:
// - `--approval-mode auto_edit` accepts write_file and replace without a prompt; Gemini CLI
//   refuses paths outside the workspace (the checkout) and any path through `.git`;
// - phaserunner's policy file (agents/gemini-policy.toml, as --admin-policy) denies the
//   shell, so no git commands, and the web, memory and sub-agent tools;
// - `--skip-trust`: each checkout is a new directory Gemini CLI has never trusted, and in an
//   untrusted folder it drops to the default approval mode, where the edit tools are gone.
// Refusals go back to the model and the CLI exits 0: the result event and phaserunner's check
// of the checkout tell what happened.
import { join } from 'node:path';
import { PACKAGE_ROOT } from '../paths.js';
import type { CliAgentConfig } from '../config/schema.js';
import type { AgentAdapter, AgentContext } from './types.js';
import { cliAdapter, forRole, type CliSettings } from './cli-agent.js';

export const GEMINI_POLICY = join(PACKAGE_ROOT, 'agents', 'gemini-policy.toml');

export function geminiArgs(config: CliSettings, { role }: Pick<AgentContext, 'role'>): string[] {
  return [
    '--output-format',
    'stream-json',
    '--approval-mode',
    'auto_edit',
    '--skip-trust',
    '--admin-policy',
    GEMINI_POLICY,
    ...forRole(config, role),
  ];
}

export function geminiAdapter(name: string, config: CliAgentConfig, root: string): AgentAdapter {
  return cliAdapter(name, config, root, { args: geminiArgs, stdin: true, output: 'gemini-stream-json' });
}
