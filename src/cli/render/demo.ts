// The demo's closing lines: what it checked after execution (the merges, what ran in
// parallel, the test suite on a fresh checkout of the base tip), then the commands to look
// further.
import type { DemoVerdict } from '../../demo/verify.js';

const mark = (ok: boolean): string => (ok ? '✓' : '✗');

/** `a`, `a and b`, `a, b and c`. */
function list(items: readonly string[]): string {
  return items.length <= 1 ? (items[0] ?? '') : `${items.slice(0, -1).join(', ')} and ${items.at(-1) ?? ''}`;
}

export function demoSummaryLines(v: DemoVerdict, dir: string, concurrency: number): string[] {
  const merged = v.merges.filter((m) => m.state === 'merged');
  const suite = v.suite;
  return [
    'What the demo checked:',
    `  ${mark(merged.length === v.merges.length)} ${merged.length} of ${v.merges.length} tasks merged into ${v.base}, each through the merge queue:`,
    ...v.merges.map((m) => `      ${m.task}  ${m.merge === null ? m.state.padEnd(12) : m.merge.slice(0, 12)}  ${m.title}`),
    `  ${mark(v.parallel.most >= 2)} in parallel: ${v.parallel.most >= 2 ? `${list(v.parallel.together)} (${v.parallel.most} agents at once; concurrency ${concurrency})` : 'never two task agents at once'}`,
    `  ${mark(suite.ok)} test suite on ${v.base} (${suite.tip.slice(0, 12)}): ${suite.commands.map((c) => `\`${c}\``).join(', ')} ${suite.ok ? 'passed' : 'FAILED'}${suite.passed === null ? '' : `, ${suite.passed} tests`}`,
    '',
    `Look further (the repository is ${dir}):`,
    `  phaserunner -C ${dir} status --workstream execution`,
    `  git -C ${dir} log --oneline --graph`,
    `  phaserunner -C ${dir} audit`,
    '(From this checkout, `phaserunner` is `node dist/cli/main.js` until `npm link`.)',
  ];
}
