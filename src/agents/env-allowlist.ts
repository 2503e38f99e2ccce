// What an agent gets from the runner's environment: an allowlist, never the whole of it. A
// token in the user's shell (GITHUB_TOKEN, a cloud key) is not the agent's business, and an
// agent that prints its environment into a planning file would merge it (issue 16).
//
// Every agent gets COMMON_ENV; each adapter type adds what its CLI reads (its API keys and
// documented settings, per ADAPTER_ENV); the config adds names with `pass_env` and values with
// `env`. A pattern is a variable's name, or a prefix ending in `*`. The lists are checked
// against each CLI's documentation (cited per entry) and, for claude, codex and gemini, against
// the real binaries in `npm run test:agents`.
//
// This module is plain data and string matching: it runs in the runner at dispatch, and the
// dispatch wrapper (which loads no package) only ever sees its result in dispatch.json.
import { REDIRECTING_GIT_ENV } from '../git/redirecting-env.js';

/** A name, a `PREFIX_*` pattern, or patterns that count only while another variable is on. */
export type EnvRule = string | { readonly when: string; readonly pass: readonly string[] };

/**
 * What every agent needs to run at all: where programs are, whose home, which shell and
 * terminal, temporary files, language and time zone, the XDG base directories (where CLIs keep
 * their own config), a network proxy and the CA certificates that let it through.
 */
export const COMMON_ENV: readonly string[] = [
  'PATH',
  'HOME',
  'USER',
  'LOGNAME',
  'SHELL',
  'TERM',
  'NO_COLOR',
  'TMPDIR',
  'LANG',
  'LANGUAGE',
  'LC_*',
  'TZ',
  'XDG_CONFIG_HOME',
  'XDG_CACHE_HOME',
  'XDG_DATA_HOME',
  'XDG_STATE_HOME',
  // A proxy URL can carry credentials; without it, behind a proxy, no CLI reaches its API.
  'HTTP_PROXY',
  'HTTPS_PROXY',
  'ALL_PROXY',
  'NO_PROXY',
  'http_proxy',
  'https_proxy',
  'all_proxy',
  'no_proxy',
  'NODE_EXTRA_CA_CERTS',
  'SSL_CERT_FILE',
  'SSL_CERT_DIR',
  'REQUESTS_CA_BUNDLE',
];

/** Per adapter type, what its CLI reads beyond COMMON_ENV (phaserunner's own PHASERUNNER_* are set, not passed). */
export const ADAPTER_ENV = {
  // Claude Code's environment variables (code.claude.com/docs/en/env-vars): its API keys, base
  // URLs and settings; Bedrock's AWS credentials and Vertex's Google ones only when that
  // provider is turned on (docs: Amazon Bedrock, Google Vertex AI).
  claude: [
    'ANTHROPIC_*',
    'CLAUDE_*',
    'DISABLE_*',
    'API_TIMEOUT_MS',
    'MAX_THINKING_TOKENS',
    'MAX_MCP_OUTPUT_TOKENS',
    'MCP_TIMEOUT',
    'MCP_TOOL_TIMEOUT',
    { when: 'CLAUDE_CODE_USE_BEDROCK', pass: ['AWS_*'] },
    { when: 'CLAUDE_CODE_USE_VERTEX', pass: ['CLOUD_ML_REGION', 'VERTEX_REGION_*', 'GOOGLE_APPLICATION_CREDENTIALS', 'GOOGLE_CLOUD_PROJECT', 'GCLOUD_PROJECT'] },
  ],
  // Codex (developers.openai.com/codex/environment-variables): CODEX_HOME, CODEX_API_KEY,
  // CODEX_CA_CERTIFICATE and the rest; OPENAI_API_KEY, OPENAI_BASE_URL and workload identity.
  // A custom provider's `env_key` names its own variable: add it with pass_env.
  codex: ['CODEX_*', 'OPENAI_*'],
  // Gemini CLI (geminicli.com docs: authentication, configuration): GEMINI_API_KEY,
  // GEMINI_CLI_HOME, GEMINI_MODEL; GOOGLE_API_KEY, GOOGLE_CLOUD_PROJECT, GOOGLE_CLOUD_LOCATION,
  // GOOGLE_APPLICATION_CREDENTIALS, GOOGLE_GENAI_USE_VERTEXAI, GOOGLE_GEMINI_BASE_URL.
  gemini: ['GEMINI_*', 'GOOGLE_*'],
  // aider (aider.chat/docs/config/api-keys.html, dotenv.html, llms/): its AIDER_* options and
  // the keys and endpoints of the model providers it documents, as litellm reads them.
  aider: [
    'AIDER_*',
    'OPENAI_*',
    'ANTHROPIC_*',
    'GEMINI_*',
    'DEEPSEEK_API_KEY',
    'OPENROUTER_API_KEY',
    'GROQ_API_KEY',
    'XAI_API_KEY',
    'COHERE_API_KEY',
    'MISTRAL_API_KEY',
    'TOGETHERAI_API_KEY',
    'AZURE_API_KEY',
    'AZURE_API_BASE',
    'AZURE_API_VERSION',
    'OLLAMA_API_BASE',
    'LM_STUDIO_API_BASE',
    'LM_STUDIO_API_KEY',
    'VERTEXAI_PROJECT',
    'VERTEXAI_LOCATION',
    'GOOGLE_APPLICATION_CREDENTIALS',
  ],
  command: [],
  // A test's switch, for the built-in agent only: where behavior wait-release looks for the file
  // that lets a task (or phase) finish, so a test chooses the order parallel attempts end in.
  scripted: ['PHASERUNNER_TEST_RELEASE_DIR'],
} as const satisfies Record<string, readonly EnvRule[]>;

export type AdapterType = keyof typeof ADAPTER_ENV;

/**
 * Never passed from the runner's environment, whatever a pattern says: they would point the
 * agent's git at another repository, index or object store than its checkout's, or
 * (GIT_CONFIG_PARAMETERS, read after the ref guard's GIT_CONFIG_COUNT entries) turn the ref
 * guard's hook off (src/dispatch/ref-guard.ts).
 */
export const NEVER_PASSED: ReadonlySet<string> = new Set(REDIRECTING_GIT_ENV);

/** A pass_env entry: a variable's name, or a prefix of one followed by `*`. */
export const PASS_ENV_PATTERN = /^[A-Za-z_][A-Za-z0-9_]*\*?$/;

export function matchesPattern(pattern: string, name: string): boolean {
  return pattern.endsWith('*') ? name.startsWith(pattern.slice(0, -1)) : name === pattern;
}

/** Whether a provider switch such as CLAUDE_CODE_USE_BEDROCK is on: set, and not empty, 0 or false. */
function isOn(value: string | undefined): boolean {
  return value !== undefined && !['', '0', 'false'].includes(value.toLowerCase());
}

/**
 * The agent's whole environment: the runner's variables that COMMON_ENV or `rules` allow
 * (never those in NEVER_PASSED), then `values` (phaserunner's own and the config's `env`) over
 * them. A conditional rule counts when its switch is on in either.
 */
export function agentEnvironment(
  runnerEnv: Readonly<Record<string, string | undefined>>,
  rules: readonly EnvRule[],
  values: Readonly<Record<string, string>>,
): Record<string, string> {
  const patterns = [...COMMON_ENV];
  for (const rule of rules) {
    if (typeof rule === 'string') patterns.push(rule);
    else if (isOn(values[rule.when] ?? runnerEnv[rule.when])) patterns.push(...rule.pass);
  }
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(runnerEnv)) {
    if (value === undefined || NEVER_PASSED.has(name)) continue;
    if (patterns.some((p) => matchesPattern(p, name))) env[name] = value;
  }
  return { ...env, ...values };
}

/**
 * The dispatch wrapper's own environment: no more than an agent's. It is the agent's parent,
 * and an agent outside a sandbox can read its parent's environment (/proc/<pid>/environ).
 * phaserunner's test switches (PHASERUNNER_TEST_*) pass: the wrapper reads one, and drops it.
 */
export function wrapperEnvironment(runnerEnv: Readonly<Record<string, string | undefined>>): Record<string, string> {
  return agentEnvironment(runnerEnv, ['PHASERUNNER_TEST_*'], {});
}
