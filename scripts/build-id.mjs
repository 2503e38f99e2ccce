// Writes dist/build-id.json: a hash of every built file. It keys caches of results that
// depend on phaserunner's own code (the validated definitions, src/runner/definitions.ts),
// so a rebuild with any change invalidates them. Run by `npm run build` after tsc.
import { createHash } from 'node:crypto';
import { readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join, relative } from 'node:path';

const dist = new URL('../dist/', import.meta.url).pathname;
const hash = createHash('sha256');
const walk = (dir) => {
  for (const entry of readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) walk(path);
    else if (entry.name.endsWith('.js')) hash.update(`${relative(dist, path)}\0`).update(readFileSync(path)).update('\0');
  }
};
walk(dist);
writeFileSync(join(dist, 'build-id.json'), JSON.stringify({ id: hash.digest('hex').slice(0, 32) }) + '\n');
