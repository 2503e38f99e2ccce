// .phaserunner/config.json: shared by the team, validated strictly so a typo is an error,
// not a silently ignored setting. schema/config.schema.json is generated from this.
import { z } from 'zod';
import { NEVER_PASSED, PASS_ENV_PATTERN } from '../agents/env-allowlist.js';
import { ARGV_PLACEHOLDERS, unknownPlaceholders } from '../agents/template.js';
import { PlanCheckSchema, taskId, taskIdProblem } from '../planning/fields.js';

/** Planning phases that need a human's approval unless the config says otherwise: the task plan, before anyone executes it. */
export const DEFAULT_APPROVALS = [4] as const;

export const NAME_PATTERN = /^[a-z][a-z0-9-]*$/;

/** Tasks the execution workstream runs at once unless the config or `run --concurrency` says otherwise. */
export const DEFAULT_CONCURRENCY = 2;

/** Author and committer of the runner's commits unless the config says otherwise. */
export const DEFAULT_IDENTITY = { name: 'phaserunner', email: 'phaserunner@localhost' } as const;

/**
 * What the built-in scripted agent does for a phase or a task; everything but `ok` misbehaves on
 * purpose. `wait-release` works in both; `break-tests`, `conflict` and `integration-break` are
 * for tasks, and `skip-required`, `todo`, `bad-json`, `plan-v1` and `forge` for phases (the agent
 * exits 64 on the other kind). src/scripted-agent/ says what each does.
 */
export const SCRIPTED_BEHAVIORS = [
  'ok',
  'slow',
  'fail',
  'hang',
  'hang-hard',
  'nothing',
  'outside',
  'skip-required',
  'todo',
  'bad-json',
  'plan-v1',
  'commit',
  'move-refs',
  'crash',
  'forge',
  'fake-exit',
  'tamper',
  'wait-release',
  'break-tests',
  'conflict',
  'integration-break',
] as const;

export const ScriptedBehavior = z.enum(SCRIPTED_BEHAVIORS);
export type ScriptedBehavior = z.infer<typeof ScriptedBehavior>;

/**
 * A key of the scripted agent's `behaviors`: a phase id (a number, as before) or a task id of the
 * execution workstream, checked as the plan checks one (version 2: never digits only, so the two
 * kinds cannot be confused).
 */
const PHASE_KEY = /^[1-9][0-9]*$/;
const ScriptedStepKey = z.union([z.string().regex(PHASE_KEY), taskId(2)]);

/** Why a `behaviors` key is neither (zod's own "Invalid key in record" names no rule). */
function stepKeyProblem(key: unknown): string {
  const text = String(key);
  const why = /^[0-9]+$/.test(text) ? 'a phase id is a number from 1, without leading zeros' : `as a task id it ${taskIdProblem(text) ?? 'is not valid'}`;
  return `${JSON.stringify(text)} is neither a phase id ("2") nor a task id ("T-003"): ${why}`;
}

export const ScriptedAgentConfig = z
  .strictObject({
    type: z.literal('scripted'),
    behaviors: z
      .record(ScriptedStepKey, z.union([ScriptedBehavior, z.array(ScriptedBehavior).min(1)]), {
        error: (issue) => (issue.code === 'invalid_key' ? stepKeyProblem(issue.input) : undefined),
      })
      .optional()
      .describe('Per phase id ("2") or task id ("T-003"): one behavior, or one per attempt (the last one repeats).'),
    delay_ms: z.number().int().min(0).max(600_000).optional().describe('Pause between the files it writes.'),
  })
  .describe('The built-in scripted agent: deterministic artifacts from INTENT.md, for demos and tests.');

/**
 * What an agent gets besides what phaserunner allows it (README: Threat model): variables set
 * to values, and variables passed from the runner's environment by name or prefix.
 */
const AgentEnv = z
  .record(z.string(), z.string())
  .superRefine((env, ctx) => {
    for (const name of Object.keys(env).filter((n) => NEVER_PASSED.has(n))) {
      ctx.addIssue({ code: 'custom', path: [name], message: `${name} is never given to an agent: it would point the agent's git away from its checkout, or turn off the guard on its refs` });
    }
  })
  .optional();
const PassEnv = z
  .array(z.string().regex(PASS_ENV_PATTERN, 'a variable name, or a prefix of one followed by *'))
  .default([])
  .describe("Variables passed from phaserunner's environment on top of the allowlist: names, or prefixes ending in * (e.g. \"MY_PROXY_TOKEN\", \"ACME_*\").");

/** Where a command or aider agent runs: as the user, or in a bubblewrap sandbox (writes to its checkout only). */
export const SANDBOXES = ['none', 'bubblewrap'] as const;
const Sandbox = z
  .enum(SANDBOXES)
  .default('none')
  .describe('"bubblewrap": the agent sees the file system read-only except its checkout and a private /tmp, and not phaserunner\'s state (needs bwrap).');

export const CommandAgentConfig = z
  .strictObject({
    type: z.literal('command'),
    argv: z
      .array(z.string().min(1))
      .min(1)
      .superRefine((argv, ctx) => {
        for (const name of unknownPlaceholders(argv)) {
          ctx.addIssue({
            code: 'custom',
            message: `unknown placeholder {${name}}; known: ${ARGV_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')}`,
          });
        }
      })
      .describe(`Program and arguments. Placeholders: ${ARGV_PLACEHOLDERS.map((p) => `{${p}}`).join(' ')} ({task} is empty for a planning phase).`),
    stdin: z.boolean().default(true).describe('Also pass the prompt on stdin.'),
    env: AgentEnv.describe('Environment variables set for the agent.'),
    pass_env: PassEnv,
    sandbox: Sandbox,
  })
  .describe('Any agent started as a command.');

/** Per role (architect, analyst, planner, ...): a model and extra arguments for that role's phases. */
const RoleSettings = z.strictObject({
  model: z.string().min(1).optional().describe("Model for this role's phases; overrides the agent's model."),
  args: z.array(z.string()).optional().describe("Extra arguments for this role's phases, after the agent's own args."),
});

/** The settings every real agent CLI takes: its program, a model, extra arguments, per role too. */
function cliAgent<T extends string>(type: T, product: string, model: string, env: string, describe: string) {
  return z
    .strictObject({
      type: z.literal(type),
      command: z.string().min(1).default(type).describe(`The ${product} program (a name on PATH, or a path).`),
      model: z.string().min(1).optional().describe(model),
      args: z.array(z.string()).default([]).describe("Extra arguments, after phaserunner's own."),
      roles: z.record(z.string().regex(NAME_PATTERN), RoleSettings).default({}),
      env: AgentEnv.describe(`Environment variables set for the agent (${env}, say).`),
      pass_env: PassEnv,
    })
    .describe(describe);
}

export const ClaudeAgentConfig = cliAgent(
  'claude',
  'Claude Code',
  'Passed as --model (an alias such as "sonnet", or a full model name).',
  'ANTHROPIC_BASE_URL',
  'Claude Code (`claude -p`), with file edits accepted inside the checkout only and no shell (so no git commands).',
);
export const CodexAgentConfig = cliAgent(
  'codex',
  'Codex CLI',
  'Passed as --model.',
  'CODEX_HOME',
  "Codex CLI (`codex exec`), in its workspace-write sandbox: writes inside the checkout only, the checkout's .git read-only (so no commits), no approval prompts.",
);
export const GeminiAgentConfig = cliAgent(
  'gemini',
  'Gemini CLI',
  'Passed as --model (without one, Gemini CLI routes between models itself).',
  'GEMINI_CLI_HOME',
  "Gemini CLI (headless), with file edits accepted inside the checkout only and no shell, web or memory tools (phaserunner's policy file).",
);
// aider has no sandbox of its own: it may have phaserunner's (the real CLIs have theirs).
const AIDER = 'aider (`aider --message-file`), with its own git commits turned off and every confirmation answered yes; it has no sandbox of its own: it can write anywhere the user can, unless "sandbox" is "bubblewrap".';
export const AiderAgentConfig = cliAgent('aider', 'aider', 'Passed as --model.', 'OPENAI_API_BASE', AIDER).extend({ sandbox: Sandbox }).describe(AIDER);

/** Every agent type that is a real CLI with these settings. */
export type CliAgentConfig = z.output<typeof ClaudeAgentConfig | typeof CodexAgentConfig | typeof GeminiAgentConfig | typeof AiderAgentConfig>;

export const AgentConfig = z.discriminatedUnion('type', [ScriptedAgentConfig, CommandAgentConfig, ClaudeAgentConfig, CodexAgentConfig, GeminiAgentConfig, AiderAgentConfig]);
export type AgentConfig = z.output<typeof AgentConfig>;

export const ConfigSchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1).describe('Config format version.'),
  workstream: z.literal('planning').default('planning'),
  base: z.string().min(1).describe('The branch phase work is merged into.'),
  agent: z.string().regex(NAME_PATTERN).describe('Agent used for every phase: "scripted" or a name under agents.'),
  agents: z.record(z.string().regex(NAME_PATTERN), AgentConfig).default({}),
  intent: z.string().min(1).default('INTENT.md').describe('The file describing what the project is for.'),
  max_attempts: z.number().int().min(1).max(100).default(3).describe('Attempts per phase, retries included.'),
  approvals: z
    .array(z.number().int().min(1).max(99))
    .default([...DEFAULT_APPROVALS])
    .describe('Phases whose outputs a human must approve (`phaserunner approve N`) before they are merged. [] turns approvals off.'),
  timeouts: z
    .strictObject({
      phase_minutes: z.number().min(0.01).max(7 * 24 * 60).default(30).describe('Minutes an agent may run before it is killed (at least 0.01).'),
      kill_grace_seconds: z.number().min(0).max(300).default(5),
      git_minutes: z.number().min(0.01).max(24 * 60).default(10).describe("Minutes one of phaserunner's own git commands may run before it is stopped (at least 0.01)."),
    })
    .prefault({}),
  limits: z
    .strictObject({
      max_output_mb: z.number().min(1).max(1_000_000).default(256).describe("MB an agent may write to stdout and stderr together before it is stopped (its logs are kept in the run directory)."),
      // At most 500: gates and the audit read an output as text, and node cannot hold a string of 512 MB.
      max_file_mb: z
        .number()
        .gt(0)
        .max(500)
        .default(10)
        .describe('MB one file the agent changed may have (at most 500): an attempt with a larger file fails before anything of it is staged or committed.'),
      max_files: z
        .number()
        .int()
        .min(1)
        .max(10_000_000)
        .default(1000)
        .describe('Files an agent may change in one attempt (added, modified or deleted, inside its outputs or not): an attempt that changes more fails before anything of it is staged or committed.'),
    })
    .prefault({}),
  identity: z
    .strictObject({ name: z.string().min(1), email: z.string().min(3) })
    .default({ ...DEFAULT_IDENTITY })
    .describe('Author and committer of the runner commits.'),
  execution: z
    .strictObject({
      concurrency: z
        .number()
        .int()
        .min(1)
        .max(64)
        .default(DEFAULT_CONCURRENCY)
        .describe(`Tasks whose agents work at the same time (default ${DEFAULT_CONCURRENCY}); \`run --concurrency N\` overrides it for one run.`),
      integration_checks: z
        .array(PlanCheckSchema)
        .default([])
        .describe("Commands run on every merge candidate (the task's merge with the base, checked out exactly), after the task's own checks, e.g. the project's whole test suite. The base moves only when all pass."),
      approvals: z
        .union([z.literal(true), z.array(taskId(1))])
        .default([])
        .describe('Tasks a human must approve before they are merged: a list of task ids, or true for every task. [] (the default) leaves it to each task\'s "approval".'),
    })
    .prefault({})
    .describe('How the execution workstream runs the plan (planning/tasks.json).'),
});

export type Config = z.output<typeof ConfigSchema>;
