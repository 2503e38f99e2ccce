// Reading INTENT.md into the few facts the scripted agent builds its artifacts from.

export interface Intent {
  readonly title: string;
  readonly summary: string;
  readonly goals: readonly string[];
  readonly constraints: readonly string[];
  readonly nonGoals: readonly string[];
}

export function parseIntent(text: string): Intent {
  const lines = text.split('\n').filter((l) => !l.startsWith('<!--'));
  const title = lines.find((l) => l.startsWith('# '))?.slice(2).trim() ?? 'The project';
  const sections = new Map<string, string[]>();
  const paragraphs = new Map<string, string[]>();
  let heading = '';
  for (const line of lines) {
    const h = /^##\s+(.*)$/.exec(line);
    if (h?.[1] !== undefined) {
      heading = h[1].trim().toLowerCase();
      continue;
    }
    const bullet = /^\s*[-*]\s+(.*)$/.exec(line);
    if (bullet?.[1] !== undefined) sections.set(heading, [...(sections.get(heading) ?? []), bullet[1].trim()]);
    else if (line.trim() !== '' && !line.startsWith('#')) paragraphs.set(heading, [...(paragraphs.get(heading) ?? []), line.trim()]);
  }
  const find = (re: RegExp, not?: RegExp): string[] =>
    [...sections.entries()].filter(([k]) => re.test(k) && !(not?.test(k) ?? false)).flatMap(([, v]) => v);
  const summary =
    [...paragraphs.entries()].find(([k]) => /purpose|summary|overview|about/.test(k))?.[1].join(' ') ??
    [...paragraphs.values()][0]?.join(' ') ??
    `${title} is described in INTENT.md.`;
  const goals = find(/goal|feature|requirement/, /non-goal/);
  return {
    title,
    summary,
    goals: goals.length > 0 ? goals : [`Deliver ${title} as described in INTENT.md.`],
    constraints: find(/constraint|limit/),
    nonGoals: find(/non-goal|out of scope/),
  };
}
