// Small pieces the audit's checks share: how commits and paths appear in findings.

export function short(sha: string): string {
  return sha.slice(0, 12);
}

/** Paths as they appear in messages: JSON-quoted, so a newline in a name cannot start a new line. */
export function quoteList(paths: readonly string[], max = 5, uncounted = false): string {
  const shown = paths.slice(0, max).map((p) => JSON.stringify(p));
  // `uncounted`: `paths` is a sample of a longer list that was not read to its end.
  if (uncounted) return `${shown.join(', ')} and at least ${paths.length - shown.length + 1} more`;
  return paths.length > max ? `${shown.join(', ')} and ${paths.length - max} more` : shown.join(', ');
}
