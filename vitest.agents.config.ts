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
  },
});
