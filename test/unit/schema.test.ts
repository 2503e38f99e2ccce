import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { generatedSchemas } from '../../src/schema/generate.js';
import { ROOT } from '../helpers/git.js';

describe('schema/', () => {
  it('matches what the zod schemas generate (run `npm run schema` after changing them)', () => {
    for (const [file, content] of generatedSchemas()) {
      expect(readFileSync(join(ROOT, 'schema', file), 'utf8'), `schema/${file} is stale`).toBe(content);
    }
  });

  it('describes what a user writes: defaulted fields are optional', () => {
    const config = JSON.parse(generatedSchemas().get('config.schema.json') ?? '{}') as { required: string[] };
    expect(config.required.sort()).toEqual(['agent', 'base', 'version']);
  });
});
