import { defineConfig } from 'vitest/config';

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    // The real agent CLIs: `npm run test:agents` (vitest.agents.config.ts).
    exclude: ['test/agents/**', 'node_modules/**'],
    // End-to-end tests spawn the real CLI, git and agent processes.
    testTimeout: 60_000,
    hookTimeout: 60_000,
    // A focused test must fail CI rather than silently skip the rest.
    allowOnly: false,
    pool: 'forks',
    // The run gets a TMPDIR of its own, and fails if the tests leave anything in it; each test
    // file's temporary directories are removed after it (test/helpers/temp.ts).
    globalSetup: ['test/helpers/temp-global.ts'],
    setupFiles: ['test/helpers/temp-setup.ts'],
  },
});
