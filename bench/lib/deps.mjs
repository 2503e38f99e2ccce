// Bench-only packages: libraries the benchmarks compare phaserunner against, which the project
// itself must not depend on. They are installed, at pinned versions, into a cache inside the
// project's node_modules (ignored by git, discarded with node_modules), never into package.json
// or package-lock.json.
import { spawnSync } from 'node:child_process';
import { mkdirSync, readFileSync, realpathSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

/** Exact versions, so numbers from two runs compare the same code. */
export const PINNED = {
  execa: '9.6.1',
  'simple-git': '3.36.0',
  'isomorphic-git': '1.44.17',
};

const ROOT = fileURLToPath(new URL('../..', import.meta.url));
export const CACHE_DIR = join(ROOT, 'node_modules', '.cache', 'phaserunner-bench-deps');

// Resolving from inside the cache, with the import conditions: createRequire().resolve() would
// apply the require conditions and hand back simple-git's CommonJS build, not the ES module an
// ESM project like this one loads (and whose import cost the benchmark measures).
const RESOLVER = 'resolve.mjs';
const RESOLVER_SOURCE = '// Written by bench/lib/deps.mjs: resolves a package as an ES module importing it from here would.\n' +
  'export const resolve = (specifier) => import.meta.resolve(specifier);\n';

function installedVersion(name) {
  try {
    return JSON.parse(readFileSync(join(CACHE_DIR, 'node_modules', name, 'package.json'), 'utf8')).version;
  } catch {
    return undefined;
  }
}

const stale = () => Object.entries(PINNED).filter(([name, version]) => installedVersion(name) !== version);

/**
 * Installs the pinned packages into the cache unless they are there already, and returns
 * `{ dir, versions, resolve(name), import(name) }`: `resolve` gives the file URL of a package's
 * entry point (for a fresh `node` to import), `import` imports it into this process.
 */
export async function benchDeps() {
  if (stale().length > 0) {
    const specs = Object.entries(PINNED).map(([name, version]) => `${name}@${version}`);
    process.stderr.write(`bench deps: installing ${specs.join(', ')} into ${CACHE_DIR}\n`);
    mkdirSync(CACHE_DIR, { recursive: true });
    // All three in one install, every time: an `npm install --no-save` of one package removes
    // the others it finds there (nothing in a package.json keeps them).
    const result = spawnSync(
      'npm',
      ['install', '--no-save', '--no-package-lock', '--no-audit', '--no-fund', '--ignore-scripts', '--prefix', CACHE_DIR, ...specs],
      { cwd: CACHE_DIR, stdio: ['ignore', process.stderr, process.stderr] },
    );
    if (result.error) throw result.error;
    if (result.status !== 0) throw new Error(`npm install of the bench deps failed (exit ${result.status})`);
    const still = stale();
    if (still.length > 0) throw new Error(`bench deps: wrong versions after install: ${still.map(([n]) => `${n}@${installedVersion(n)}`).join(', ')}`);
  }
  const resolverPath = join(CACHE_DIR, RESOLVER);
  let current;
  try {
    current = readFileSync(resolverPath, 'utf8');
  } catch {
    current = undefined;
  }
  if (current !== RESOLVER_SOURCE) writeFileSync(resolverPath, RESOLVER_SOURCE);
  const { resolve: resolveFromCache } = await import(pathToFileURL(resolverPath).href);

  // Its real path: node resolves through symlinks, and node_modules may be one (a git worktree
  // sharing another checkout's install).
  const cacheUrl = pathToFileURL(realpathSync(join(CACHE_DIR, 'node_modules'))).href + '/';
  const resolve = (name) => {
    if (!(name in PINNED)) throw new Error(`not a bench dependency: ${name}`);
    const url = resolveFromCache(name);
    // Resolution walks up past the cache; a copy elsewhere must not stand in for the pinned one.
    if (!url.startsWith(cacheUrl)) throw new Error(`${name} resolved outside the bench cache: ${url}`);
    return url;
  };
  return {
    dir: CACHE_DIR,
    versions: Object.fromEntries(Object.keys(PINNED).map((name) => [name, installedVersion(name)])),
    resolve,
    import: (name) => import(resolve(name)),
  };
}
