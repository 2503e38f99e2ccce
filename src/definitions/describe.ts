// A definitions failure as one sentence, for a report that goes on after it (the audit's
// findings, doctor's checks) rather than stopping the way the CLI's failure message does.
import type { Failure } from '../failures.js';

/** The problem named with its file and fields; undefined for a failure that is not about the definitions' contents. */
export function describeDefinitionsFailure(f: Failure): string | undefined {
  switch (f.reason) {
    case 'invalid-data':
      return `${f.file}: ${f.issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`;
    case 'invalid-json':
    case 'unreadable-file':
      return `${f.file}: ${f.detail}`;
    default:
      return undefined;
  }
}
