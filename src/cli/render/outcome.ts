// What a run ended with, for humans: the result and the one thing to do next.
import type { PassResult } from '../../runner/loop.js';
import type { StatusView } from '../../runner/status.js';
import { stoppedBy, type StopSignal } from '../signals.js';

export interface OutcomeText {
  /** Progress facts for stdout. */
  readonly info: readonly string[];
  /** Problems for stderr; the last line is the next step. */
  readonly problems: readonly string[];
}

export function outcomeText(result: PassResult & { interrupted?: boolean }, view: StatusView, until: number | undefined, signal: StopSignal = 'SIGINT'): OutcomeText {
  if (result.interrupted === true) {
    return {
      info: [],
      problems: [
        `${stoppedBy(signal)}. Agents already started keep running in the background.`,
        'Next: `phaserunner run --wait` collects their results and continues.',
      ],
    };
  }
  if (result.badData || result.failed.length > 0) {
    const p = view.phases.find((x) => x.state === 'failed');
    return {
      info: [],
      problems: [
        p === undefined ? 'A phase failed.' : `Phase ${p.phase} (${p.name}) failed: ${p.reason ?? ''}`,
        `Next: ${view.next}`,
      ],
    };
  }
  if (result.conflicts.length > 0 || result.blocked.length > 0 || result.awaiting.length > 0) {
    return { info: [], problems: [`Next: ${view.next}`] };
  }
  if (result.complete) {
    const merged = view.phases.filter((p) => p.merge !== null).length;
    return { info: [`Planning complete: ${merged} phase(s) committed and merged into ${view.base}.`], problems: [] };
  }
  if (result.untilReached && until !== undefined) {
    return { info: [`Stopped after phase ${until}, as asked by --until.`, `Next: \`phaserunner run --wait\` continues with the next phase.`], problems: [] };
  }
  return { info: [`Next: ${view.next}`], problems: [] };
}
