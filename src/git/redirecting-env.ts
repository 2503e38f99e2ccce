// The environment variables that point git at another repository, worktree, index or object
// store than the directory it runs in, or (GIT_CONFIG_PARAMETERS, read after GIT_CONFIG_COUNT's
// entries) override the config the runner or the ref guard gave it. Neither the runner's own
// git (exec.ts) nor an agent (src/agents/env-allowlist.ts) may inherit them.
export const REDIRECTING_GIT_ENV = [
  'GIT_DIR',
  'GIT_WORK_TREE',
  'GIT_INDEX_FILE',
  'GIT_PREFIX',
  'GIT_COMMON_DIR',
  'GIT_OBJECT_DIRECTORY',
  'GIT_ALTERNATE_OBJECT_DIRECTORIES',
  'GIT_NAMESPACE',
  'GIT_CONFIG_PARAMETERS',
] as const;
