// vitest's setupFiles: runs in each test file's worker before the file. The file's temporary
// directories (its repositories, the temporary HOME and the worktrees under it) are removed
// once its tests are done.
import { afterAll, inject } from 'vitest';
import { forgetTestEnv } from './env.js';
import { removeTempDirs } from './temp.js';

process.env.TMPDIR = inject('tempRoot');

afterAll(async () => {
  await removeTempDirs();
  // Its HOME is gone: a next file in this worker gets a new one.
  forgetTestEnv();
});
