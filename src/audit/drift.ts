// Drift: after a phase merged, did anything but a phase run change its outputs? A cheap test
// first (the outputs' digest at the tip against the merge's); only when they differ, one
// `git log` over that stretch names the commits that did it.
import { git, splitNul } from '../git/exec.js';
import { matcherFor, outputPathspecs } from '../util/glob.js';
import type { AuditContext, MergeRecord } from './context.js';
import { quoteList, short } from './format.js';

const SHOWN = 5;

export async function findDrift(ctx: AuditContext, records: readonly MergeRecord[]): Promise<void> {
  const merges = new Set(records.map((r) => r.merge.sha));
  const tipTree = `${ctx.tip}^{tree}`;
  const last = new Map<number, MergeRecord>();
  for (const r of records) if (r.step !== undefined && r.digest !== undefined) last.set(r.step.phase, r);
  const phases = [...last.values()];
  const atTip = await ctx.files.store.settle(phases.map((r) => () => (r.step === undefined ? undefined : ctx.files.digest(tipTree, r.step.outputs))));
  for (const [i, r] of phases.entries()) {
    const step = r.step;
    if (step === undefined || atTip[i] === r.digest) continue;
    const phase = step.phase;
    const offenders = await changesSince(ctx, r.merge.sha, step.outputs, merges);
    const first = offenders[0];
    if (first === undefined) continue;
    const listed = offenders.slice(0, SHOWN).map((o) => `${short(o.sha)} ${JSON.stringify(o.subject.slice(0, 60))} (${quoteList(o.paths, 3)})`);
    const more = offenders.length > SHOWN ? ` and ${offenders.length - SHOWN} more` : '';
    ctx.add('drift', phase, first.sha, `after phase ${phase} merged in ${short(r.merge.sha)}, its outputs were changed outside any phase run by ${listed.join('; ')}${more}.`);
  }
}

interface Change {
  readonly sha: string;
  readonly subject: string;
  readonly paths: string[];
}

/** First-parent commits after `merge` (oldest first), other than phase merges, that touch the outputs. */
async function changesSince(ctx: AuditContext, merge: string, outputs: readonly string[], merges: ReadonlySet<string>): Promise<Change[]> {
  const { stdout } = await git(['log', '--first-parent', '--reverse', '-z', '--name-only', '--format=%x02%H%x01%s', `${merge}..${ctx.tip}`, '--', ...outputPathspecs(outputs)], {
    cwd: ctx.root,
    env: { GIT_LITERAL_PATHSPECS: '1' },
  });
  const inOutputs = matcherFor(outputs);
  const changes: Change[] = [];
  // Each commit: `\x02<sha>\x01<subject>\0`, then `\n<path>\0<path>\0...` (-z --name-only).
  for (const block of stdout.split('\x02').slice(1)) {
    const [head = '', ...paths] = splitNul(block);
    const [sha = '', subject = ''] = head.split('\x01');
    const hit = paths.map((p) => p.replace(/^\n/, '')).filter(inOutputs);
    if (hit.length > 0 && !merges.has(sha)) changes.push({ sha, subject, paths: hit });
  }
  return changes;
}

