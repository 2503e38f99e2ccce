// Loaded with `node --import` by the start-up test: appends the URL of every module the
// process resolves to the file named by PHASERUNNER_TEST_MODULE_TRACE.
import { register } from 'node:module';

register('data:text/javascript,' + encodeURIComponent(`
import { appendFileSync } from 'node:fs';
export async function resolve(specifier, context, next) {
  const resolved = await next(specifier, context);
  appendFileSync(process.env.PHASERUNNER_TEST_MODULE_TRACE, resolved.url + '\\n');
  return resolved;
}`));
