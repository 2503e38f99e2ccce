// Drift: after a phase merged, did anything but a phase run change its outputs? A cheap test
// first (the outputs' digest at the tip against the merge's); only when they differ, one
// `git log` over that stretch names the commits that did it.
import { git, splitNul } from '../git/exec.js';
import { matcherFor, outputPathspecs } from '../util/glob.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { AuditContext, MergeRecord } from './context.js';
import { quoteList, short } from './format.js';

const SHOWN = 5;

/** Where a phase's outputs were last accepted (a merge, or an acknowledgement after it). */
export interface Baseline {
  readonly commit: string;
  readonly digest: string;
  readonly step: WorkstreamStep;
  /** "merged in <sha>", "acknowledged in <sha>". */
  readonly what: string;
}

export async function findDrift(ctx: AuditContext, baselines: ReadonlyMap<number, Baseline>, records: readonly MergeRecord[]): Promise<void> {
  const merges = new Set(records.map((r) => r.merge.sha));
  const tipTree = `${ctx.tip}^{tree}`;
  const phases = [...baselines.values()];
  const atTip = await ctx.files.store.settle(phases.map((b) => () => ctx.files.digest(tipTree, b.step.outputs)));
  for (const [i, b] of phases.entries()) {
    if (atTip[i] === b.digest) continue;
    const phase = b.step.phase;
    const offenders = await changesSince(ctx, b.commit, b.step.outputs, merges);
    const first = offenders[0];
    if (first === undefined) continue;
    const listed = offenders.slice(0, SHOWN).map((o) => `${short(o.sha)} ${JSON.stringify(o.subject.slice(0, 60))} (${quoteList(o.paths, 3)})`);
    const more = offenders.length > SHOWN ? ` and ${offenders.length - SHOWN} more` : '';
    ctx.add(
      'drift',
      phase,
      first.sha,
      `after phase ${phase} was ${b.what}, its outputs were changed outside any phase run by ${listed.join('; ')}${more}; \`phaserunner acknowledge ${phase} --reason TEXT\` records that the change is meant.`,
    );
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

