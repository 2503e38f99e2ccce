// The demo's last word: after execution, what it claims is checked, not assumed. Every task
// of the plan is merged, the task agents' runs overlapped in time (from the store's runs), and
// the project's test suite (the integration checks the demo configured) passes on a checkout
// of exactly the base branch's tip, made for the purpose and removed afterwards.
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openDefinitions } from '../definitions/open.js';
import { readExecutionStatus } from '../execute/read-status.js';
import { gitOut } from '../git/exec.js';
import { testCandidate } from '../integrate/test-candidate.js';
import { withStoreReadOnly } from '../runner/store-open.js';
import type { RunRow } from '../store/store.js';
import { EXECUTION } from '../workstream/execution.js';

export interface DemoMerge {
  readonly task: string;
  readonly title: string;
  readonly merge: string | null;
  readonly state: string;
}

export interface DemoParallel {
  /** The most task agents that worked at one moment. */
  readonly most: number;
  /** The tasks whose agents worked together at that moment, in plan order. */
  readonly together: readonly string[];
}

export interface DemoSuite {
  /** The commands run, as a shell would show them. */
  readonly commands: readonly string[];
  readonly tip: string;
  readonly ok: boolean;
  /** Tests the runner said passed (`# pass N`), when it said. */
  readonly passed: number | null;
  readonly message: string;
}

export interface DemoVerdict {
  readonly ok: boolean;
  readonly base: string;
  readonly merges: readonly DemoMerge[];
  readonly parallel: DemoParallel;
  readonly suite: DemoSuite;
  /** What is not as the demo promised, one line each (empty when ok). */
  readonly problems: readonly string[];
}

export async function verifyDemo(dir: string): Promise<DemoVerdict> {
  const defs = await openDefinitions(dir, 'view', { saveCache: false });
  const base = defs.config.base;
  const view = await readExecutionStatus(dir);
  const merges = view.tasks.map((t) => ({ task: t.id, title: t.title, merge: t.merge, state: t.state }));
  const runs = withStoreReadOnly(defs.state.db, (store) => store?.runs(EXECUTION) ?? []);
  const parallel = mostTogether(runs, view.tasks.map((t) => t.id));
  const suite = await suiteAtTip(defs.repo.root, base, defs.config.execution.integration_checks);
  const problems = [
    ...merges.filter((m) => m.state !== 'merged').map((m) => `${m.task} is ${m.state}, not merged into ${base}.`),
    ...(parallel.most >= 2 ? [] : ['No two task agents worked at the same time.']),
    ...(suite.ok ? [] : [suite.message]),
  ];
  return { ok: problems.length === 0, base, merges, parallel, suite, problems };
}

/** The moment most runs were in flight (each run from its dispatch to its end), and whose. */
export function mostTogether(runs: readonly Pick<RunRow, 'step_id' | 'dispatched_at' | 'finished_at'>[], order: readonly string[]): DemoParallel {
  const spans = runs.map((r) => ({ task: r.step_id, from: Date.parse(r.dispatched_at), to: Date.parse(r.finished_at ?? r.dispatched_at) }));
  let together: string[] = [];
  for (const at of spans.map((s) => s.from)) {
    const here = [...new Set(spans.filter((s) => s.from <= at && at < s.to).map((s) => s.task))];
    if (here.length > together.length) together = here;
  }
  together.sort((a, b) => order.indexOf(a) - order.indexOf(b));
  return { most: together.length, together };
}

/** The integration checks (the demo's: the whole suite) on a fresh checkout of the base tip. */
async function suiteAtTip(root: string, base: string, checks: readonly { argv: readonly string[]; timeout_seconds: number }[]): Promise<DemoSuite> {
  const tip = await gitOut(['rev-parse', '--verify', `refs/heads/${base}^{commit}`], { cwd: root });
  const commands = checks.map((c) => c.argv.join(' '));
  if (checks.length === 0) return { commands, tip, ok: false, passed: null, message: `The demo's config has no execution.integration_checks: nothing tests ${base}.` };
  const parent = mkdtempSync(join(tmpdir(), 'phaserunner-demo-check-'));
  try {
    const tested = await testCandidate({ repo: root, commit: tip, dir: join(parent, 'base'), checks: checks.map((c, i) => ({ label: `test suite ${i + 1}`, ...c })) });
    const last = tested.results.at(-1);
    const passed = tested.results.reduce<number | null>((sum, r) => {
      const n = passCount(r.outputTail);
      return n === null ? sum : (sum ?? 0) + n;
    }, null);
    const message = tested.ok ? `\`${commands.join(' && ')}\` passed on ${base} (${tip.slice(0, 12)}).` : `The test suite failed on ${base} (${tip.slice(0, 12)}): ${tested.failed.message}`;
    return { commands, tip, ok: tested.ok && last !== undefined, passed, message };
  } finally {
    rmSync(parent, { recursive: true, force: true });
  }
}

/** node --test's summary: `# pass 12` (TAP) or `ℹ pass 12` (spec). */
function passCount(output: string): number | null {
  const matches = [...output.matchAll(/^(?:#|ℹ)\s*pass (\d+)\s*$/gm)];
  const last = matches.at(-1)?.[1];
  return last === undefined ? null : Number(last);
}
