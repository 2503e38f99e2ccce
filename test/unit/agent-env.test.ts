// Each adapter's environment allowlist (src/agents/env-allowlist.ts): what its agent gets from
// the runner's environment, as the dispatch works it out; and the sandbox's mount order.
import { describe, expect, it } from 'vitest';
import { agentEnvironment, wrapperEnvironment } from '../../src/agents/env-allowlist.js';
import { resolveAgent } from '../../src/agents/registry.js';
import type { AgentContext } from '../../src/agents/types.js';
import { AgentConfig, CommandAgentConfig } from '../../src/config/schema.js';
import { bubblewrapArgs } from '../../src/dispatch/sandbox.js';

/** A runner's environment: what every agent needs, every CLI's keys, secrets, and git's redirections. */
const RUNNER: Record<string, string> = {
  PATH: '/usr/bin:/bin',
  HOME: '/home/ada',
  USER: 'ada',
  LANG: 'en_GB.UTF-8',
  LC_ALL: 'C.UTF-8',
  TZ: 'Europe/London',
  https_proxy: 'http://proxy:3128',
  NO_PROXY: 'localhost',
  NODE_EXTRA_CA_CERTS: '/etc/ca.pem',
  SECRET_TOKEN: 'secret',
  GITHUB_TOKEN: 'ghp_secret',
  STRIPE_API_KEY: 'sk_live',
  ANTHROPIC_API_KEY: 'anthropic',
  CLAUDE_CODE_MAX_RETRIES: '2',
  OPENAI_API_KEY: 'openai',
  CODEX_HOME: '/home/ada/.codex',
  GEMINI_API_KEY: 'gemini',
  GOOGLE_CLOUD_PROJECT: 'project',
  AWS_SECRET_ACCESS_KEY: 'aws',
  AIDER_MODEL: 'sonnet',
  DEEPSEEK_API_KEY: 'deepseek',
  GIT_DIR: '/elsewhere/.git',
  GIT_CONFIG_PARAMETERS: "'core.hookspath'='/dev/null'",
  GIT_AUTHOR_NAME: 'Ada',
  PHASERUNNER_TEST_CRASH_AT: 'dispatch:spec-written',
};

const CONTEXT: AgentContext = {
  promptFile: '/runs/r1/prompt.md',
  worktree: '/wt',
  runDir: '/runs/r1',
  phase: 2,
  phaseName: 'gap-analysis',
  role: 'analyst',
  runId: 'r1',
  attempt: 1,
  outputs: ['planning/gaps.md'],
  intent: 'INTENT.md',
};

/** The environment agent `settings` gets, started from a runner with `runner`'s environment. */
function envOf(settings: Record<string, unknown>, runner: Record<string, string> = RUNNER): Record<string, string> {
  const config = AgentConfig.parse(settings);
  // /bin/sh stands in for every CLI's program: only the environment is looked at.
  const declared = config.type === 'command' ? { ...config, argv: ['/bin/sh'] } : config.type === 'scripted' ? config : { ...config, command: '/bin/sh' };
  const invocation = resolveAgent({ agents: { a: declared } }, 'a', '/', 'test').invocation(CONTEXT);
  return agentEnvironment(runner, invocation.passEnv, invocation.env);
}

const COMMON = ['PATH', 'HOME', 'USER', 'LANG', 'LC_ALL', 'TZ', 'https_proxy', 'NO_PROXY', 'NODE_EXTRA_CA_CERTS'];
const NEVER = ['SECRET_TOKEN', 'GITHUB_TOKEN', 'STRIPE_API_KEY', 'GIT_DIR', 'GIT_CONFIG_PARAMETERS', 'GIT_AUTHOR_NAME', 'PHASERUNNER_TEST_CRASH_AT'];
const KEYS = ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_MAX_RETRIES', 'OPENAI_API_KEY', 'CODEX_HOME', 'GEMINI_API_KEY', 'GOOGLE_CLOUD_PROJECT', 'AWS_SECRET_ACCESS_KEY', 'AIDER_MODEL', 'DEEPSEEK_API_KEY'];

/** The names of RUNNER's variables an agent got. */
const passed = (env: Record<string, string>): string[] => Object.keys(RUNNER).filter((name) => env[name] === RUNNER[name]);

describe('the environment allowlist per adapter', () => {
  it.each([
    ['claude', ['ANTHROPIC_API_KEY', 'CLAUDE_CODE_MAX_RETRIES']],
    ['codex', ['OPENAI_API_KEY', 'CODEX_HOME']],
    ['gemini', ['GEMINI_API_KEY', 'GOOGLE_CLOUD_PROJECT']],
    ['aider', ['ANTHROPIC_API_KEY', 'OPENAI_API_KEY', 'GEMINI_API_KEY', 'AIDER_MODEL', 'DEEPSEEK_API_KEY']],
  ])("%s gets the common variables and its CLI's own, no other CLI's key and no secret", (type, own) => {
    const env = envOf({ type });
    expect(passed(env).sort()).toEqual([...COMMON, ...own].sort());
    for (const name of [...NEVER, ...KEYS.filter((k) => !own.includes(k))]) expect(env).not.toHaveProperty(name);
  });

  it.each([
    ['command', { argv: ['/bin/sh'] }],
    ['scripted', {}],
  ])('%s gets only the common variables, and phaserunner\'s own', (type, settings) => {
    const env = envOf({ type, ...settings });
    expect(passed(env).sort()).toEqual([...COMMON].sort());
    for (const name of [...NEVER, ...KEYS]) expect(env).not.toHaveProperty(name);
    expect(env).toMatchObject({ PHASERUNNER_PHASE: '2', PHASERUNNER_ROLE: 'analyst', PHASERUNNER_PROMPT_FILE: '/runs/r1/prompt.md' });
  });

  it("passes Bedrock's AWS credentials to claude only while Bedrock is on, in the runner's environment or the config's", () => {
    expect(envOf({ type: 'claude' })).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(envOf({ type: 'claude' }, { ...RUNNER, CLAUDE_CODE_USE_BEDROCK: '1' })).toHaveProperty('AWS_SECRET_ACCESS_KEY', 'aws');
    expect(envOf({ type: 'claude', env: { CLAUDE_CODE_USE_BEDROCK: 'true' } })).toHaveProperty('AWS_SECRET_ACCESS_KEY', 'aws');
    expect(envOf({ type: 'claude' }, { ...RUNNER, CLAUDE_CODE_USE_BEDROCK: '0' })).not.toHaveProperty('AWS_SECRET_ACCESS_KEY');
    expect(envOf({ type: 'claude' }, { ...RUNNER, CLAUDE_CODE_USE_VERTEX: '1' })).toHaveProperty('GOOGLE_CLOUD_PROJECT', 'project');
  });

  it('adds pass_env (names and prefixes) and env (values, over the runner\'s), and never the variables that redirect git', () => {
    const env = envOf({ type: 'command', argv: ['x'], pass_env: ['SECRET_TOKEN', 'GIT_*', 'STRIPE_*'], env: { HOME: '/scratch', EXTRA: '1' } });
    expect(env).toMatchObject({ SECRET_TOKEN: 'secret', STRIPE_API_KEY: 'sk_live', GIT_AUTHOR_NAME: 'Ada', HOME: '/scratch', EXTRA: '1' });
    expect(env).not.toHaveProperty('GIT_DIR');
    expect(env).not.toHaveProperty('GIT_CONFIG_PARAMETERS');
    expect(env).not.toHaveProperty('GITHUB_TOKEN');
  });

  it("starts the wrapper with the common variables and phaserunner's test switches only", () => {
    expect(Object.keys(wrapperEnvironment(RUNNER)).sort()).toEqual([...COMMON, 'PHASERUNNER_TEST_CRASH_AT'].sort());
  });

  it('refuses a pass_env that is not a name or a prefix, and an env that would redirect git', () => {
    const issues = (settings: Record<string, unknown>): string[] => CommandAgentConfig.safeParse({ type: 'command', argv: ['x'], ...settings }).error?.issues.map((i) => `${i.path.join('.')}: ${i.message}`) ?? [];
    expect(issues({ pass_env: ['OK_*', 'A-B', '*', 'A*B'] })).toEqual(['pass_env.1: a variable name, or a prefix of one followed by *', 'pass_env.2: a variable name, or a prefix of one followed by *', 'pass_env.3: a variable name, or a prefix of one followed by *']);
    expect(issues({ env: { GIT_CONFIG_PARAMETERS: 'x' } })[0]).toMatch(/^env\.GIT_CONFIG_PARAMETERS: GIT_CONFIG_PARAMETERS is never given to an agent/);
    // Only command and aider agents take phaserunner's sandbox: the others have their own.
    expect(AgentConfig.safeParse({ type: 'aider', sandbox: 'bubblewrap' }).success).toBe(true);
    expect(AgentConfig.safeParse({ type: 'claude', sandbox: 'bubblewrap' }).success).toBe(false);
  });
});

describe("the sandbox's mounts", () => {
  it('binds again, read-only, what /tmp would hide; then hides, then opens the checkout and the run files; no new session', () => {
    const args = bubblewrapArgs({
      worktree: '/tmp/h/.local/state/phaserunner/worktrees/r-1/1-architecture-baseline',
      worktreeGitDir: '/tmp/r/.git/worktrees/1-architecture-baseline',
      visible: ['/tmp/r', '/tmp/r/.git', '/tmp/h', '/usr/bin'],
      hidden: ['/tmp/r/.git/phaserunner', '/tmp/h/.local/state/phaserunner/worktrees/r-1'],
      readable: ['/tmp/r/.git/phaserunner/runs/R/prompt.md'],
      writable: ['/tmp/r/.git/phaserunner/runs/R/refs-refused.log'],
    });
    const text = args.join(' ');
    expect(text).toBe(
      [
        '--ro-bind / / --dev /dev --proc /proc --tmpfs /tmp',
        '--ro-bind /tmp/r /tmp/r --ro-bind /tmp/h /tmp/h --ro-bind /tmp/r/.git /tmp/r/.git',
        '--tmpfs /tmp/r/.git/phaserunner --tmpfs /tmp/h/.local/state/phaserunner/worktrees/r-1',
        '--bind /tmp/r/.git/worktrees/1-architecture-baseline /tmp/r/.git/worktrees/1-architecture-baseline',
        '--bind /tmp/h/.local/state/phaserunner/worktrees/r-1/1-architecture-baseline /tmp/h/.local/state/phaserunner/worktrees/r-1/1-architecture-baseline',
        '--ro-bind /tmp/r/.git/phaserunner/runs/R/prompt.md /tmp/r/.git/phaserunner/runs/R/prompt.md',
        '--bind /tmp/r/.git/phaserunner/runs/R/refs-refused.log /tmp/r/.git/phaserunner/runs/R/refs-refused.log',
        '--remount-ro /tmp/r/.git/phaserunner --remount-ro /tmp/h/.local/state/phaserunner/worktrees/r-1',
        '--chdir /tmp/h/.local/state/phaserunner/worktrees/r-1/1-architecture-baseline',
        '--unshare-all --share-net --die-with-parent --cap-drop ALL --',
      ].join(' '),
    );
    expect(args).not.toContain('--new-session');
  });
});
