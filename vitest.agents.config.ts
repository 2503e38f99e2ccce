import { defineConfig } from 'vitest/config';

// `npm run test:agents`: the real agent CLIs against scripted model servers (test/agents/).
// Apart from `npm test` because the CLIs are large downloads a user of phaserunner never needs.
export default defineConfig({
  test: {
    include: ['test/agents/**/*.test.ts'],
    testTimeout: 180_000,
    hookTimeout: 60_000,
    allowOnly: false,
    pool: 'forks',
    // The same temporary directories as npm test, removed after each file (test/helpers/temp.ts);
    // what the agent CLIs themselves leave in TMPDIR is reported and removed, but fails nothing.
    globalSetup: ['test/agents/temp-global.ts'],
    setupFiles: ['test/helpers/temp-setup.ts'],
  },
});
