// What changed between two fingerprints (types.ts), and how each change reads in a reason.
import { sameState } from './file-state.js';
import type { Change, Fingerprint, FileState } from './types.js';

export function compareFingerprints(before: Fingerprint, after: Fingerprint): Change[] {
  const changes: Change[] = [];
  const paths = new Set([...Object.keys(before.files), ...Object.keys(after.files)]);
  for (const path of [...paths].sort()) {
    const b = before.files[path];
    const a = after.files[path];
    const was: FileState = b?.state ?? { kind: 'missing' };
    const now: FileState = a?.state ?? { kind: 'missing' };
    if (!sameState(was, now)) changes.push({ kind: 'file', area: (b ?? a)?.area ?? 'git-dir', path, before: was, after: now });
  }
  const refs = new Set([...Object.keys(before.refs), ...Object.keys(after.refs)]);
  for (const ref of [...refs].sort()) {
    if (before.refs[ref] !== after.refs[ref]) changes.push({ kind: 'ref', ref, before: before.refs[ref], after: after.refs[ref] });
  }
  if (before.checkout !== null && after.checkout !== null) {
    const listed = new Set([...Object.keys(before.checkout.paths), ...Object.keys(after.checkout.paths)]);
    for (const path of [...listed].sort()) {
      if (before.checkout.paths[path] !== after.checkout.paths[path]) changes.push({ kind: 'checkout', path, what: 'changed' });
    }
    const flagged = new Set([...Object.keys(before.checkout.flags), ...Object.keys(after.checkout.flags)]);
    for (const path of [...flagged].sort()) {
      if (before.checkout.flags[path] !== after.checkout.flags[path]) changes.push({ kind: 'checkout', path, what: 'flag' });
    }
  }
  return changes;
}

/** One change, in words, for the attempt's failure reason. */
export function describeChange(change: Change): string {
  switch (change.kind) {
    case 'file':
      return `${change.path} ${verb(change.before, change.after)}`;
    case 'ref':
      if (change.before === undefined) return `${change.ref} created at ${short(change.after)}`;
      if (change.after === undefined) return `${change.ref} deleted (was ${short(change.before)})`;
      return `${change.ref} moved from ${short(change.before)} to ${short(change.after)}`;
    case 'checkout':
      return change.what === 'flag' ? `${change.path} in your checkout had its skip-worktree/assume-unchanged flag changed` : `${change.path} in your checkout changed`;
    case 'approval':
      return `approval row${change.ids.length === 1 ? '' : 's'} ${change.ids.join(', ')} written into the store`;
  }
}

function verb(before: FileState, after: FileState): string {
  if (before.kind === 'missing') return 'created';
  if (after.kind === 'missing') return 'deleted';
  return 'changed';
}

function short(value: string | undefined): string {
  if (value === undefined) return '(none)';
  return value.startsWith('ref: ') ? value : value.slice(0, 12);
}
