// Writes schema/*.json from the built zod schemas (run by `npm run schema`).
import { writeFileSync } from 'node:fs';
import { generatedSchemas } from '../dist/schema/generate.js';

for (const [file, content] of generatedSchemas()) {
  writeFileSync(new URL(`../schema/${file}`, import.meta.url), content);
  console.log(`wrote schema/${file}`);
}
