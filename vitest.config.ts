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
  },
});
