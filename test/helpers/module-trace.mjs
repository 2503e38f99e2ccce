// Loaded with `node --import` by the start-up test: appends the URL of every module the
// process resolves to the file named by PHASERUNNER_TEST_MODULE_TRACE: ES modules through the
// loader's resolve hook, CommonJS ones (`require`, `createRequire`, and what a CommonJS
// package requires itself) through the CommonJS resolver, which that hook does not see.
import { appendFileSync } from 'node:fs';
import Module, { register } from 'node:module';
import { isAbsolute } from 'node:path';
import { pathToFileURL } from 'node:url';

register('data:text/javascript,' + encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.PHASERUNNER_TEST_MODULE_TRACE, resolved.url + '\\n');
  return resolved;
}`));

const resolveFilename = Module._resolveFilename;
Module._resolveFilename = function (...args) {
  const file = resolveFilename.apply(this, args);
  // Built-in modules resolve to their bare names ('fs'): only files are modules of a package.
  if (isAbsolute(file)) appendFileSync(process.env.PHASERUNNER_TEST_MODULE_TRACE, pathToFileURL(file).href + '\n');
  return file;
};
