// Collecting one active run: read what the wrapper left, judge the attempt, and either fail
// it or run the step's success actions. A run whose merge was waiting resumes there, and a
// commit made just before a crash is recognised rather than blamed on the agent.
import { existsSync } from 'node:fs';
import { probeAttempt } from '../dispatch/probe.js';
import { fail, PhaserunnerError } from '../failures.js';
import { forgetRepositoryConfig } from '../git/exec.js';
import { runFiles } from '../dispatch/run-dir.js';
import type { ExitFile } from '../dispatch/exit-file.js';
import type { RunPatch, RunRow } from '../store/store.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { committedBefore } from './commit-phase.js';
import { badExitFile, promptGone, stopCrashed, withContainment, wrapperGaveUp } from './attempt-ending.js';
import { failRun } from './fail-run.js';
import { finalizeRun } from './finalize.js';
import type { StagedTree } from './staged-tree.js';
import { judgeAttempt } from './verdict.js';
import { startAgent } from './dispatch-phase.js';
import { crashPoint } from './crash-points.js';
import { workstreamOf } from './governed.js';
import { checkContainment } from './containment.js';
import { phaseOf } from '../workstream/step-id.js';

export type CollectOutcome =
  | { readonly kind: 'running' }
  | { readonly kind: 'done' }
  | { readonly kind: 'failed'; readonly reason: string; readonly badData: boolean }
  | { readonly kind: 'conflict' }
  | { readonly kind: 'waiting'; readonly reason: string }
  | { readonly kind: 'awaiting-approval'; readonly reason: string };

export async function collectRun(r: Runner, run: RunRow): Promise<CollectOutcome> {
  // Judged by the definitions it was dispatched under, whatever the base has now.
  const governing = await workstreamOf(r, run);
  const step = governing.stepForPhase(phaseOf(run));
  // Only when those cannot be read any more (and today's lack the phase): without the
  // definition there are no outputs or gates to judge it by, so nothing is decided.
  if (step === undefined) fail({ reason: 'phase-gone', phase: phaseOf(run), runId: run.run_id, known: [...governing.phaseIds] });
  if (run.step === 'committed') return finalizeRun(r, run, step, undefined);

  const probe = probeAttempt(run.run_dir, run.wrapper_pid, run.run_id, run.launch);
  // The agent may have defined drivers (filters, merge drivers) while it worked: the runner's
  // git reads the config again before it judges, snapshots or merges anything of it.
  if (probe.kind !== 'running') forgetRepositoryConfig();
  switch (probe.kind) {
    case 'running':
      return { kind: 'running' };
    case 'not-started': {
      // No agent ever ran: the runner died between recording the run and starting it, or
      // before the wrapper it launched claimed the attempt (and it now holds that launch's
      // claim, so that wrapper starts nothing). Start it now: the same attempt, not a new one.
      // (A wrapper that keeps exiting without claiming is given up: wrapperGaveUp.)
      const gaveUp = wrapperGaveUp(run, probe);
      if (gaveUp !== undefined) {
        await failRun(r, run, step, gaveUp);
        return { kind: 'failed', reason: gaveUp, badData: false };
      }
      if (probe.launch > 1) crashPoint('collect:launch-retired');
      // Unless its prompt is gone with the run directory (removed by hand), and there is
      // nothing to start it with.
      if (existsSync(runFiles(run.run_dir).prompt)) {
        await startAgent(r, step, run, probe.launch);
        return { kind: 'running' };
      }
      const reason = promptGone(run);
      await failRun(r, run, step, reason);
      return { kind: 'failed', reason, badData: false };
    }
    case 'crashed': {
      const reason = withContainment(await stopCrashed(run, probe), await contained(r, run));
      await failRun(r, run, step, reason);
      return { kind: 'failed', reason, badData: false };
    }
    case 'bad-exit-file': {
      const reason = withContainment(badExitFile(probe), await contained(r, run));
      await failRun(r, run, step, reason);
      return { kind: 'failed', reason, badData: true };
    }
    case 'exited': {
      const exit = probe.exit;
      r.store.updateRun(run.run_id, exitPatch(exit));
      crashPoint('collect:exit-recorded');
      r.emit({ type: 'agent-exited', phase: phaseOf(run), runId: run.run_id, exitCode: exit.exit_code, signal: exit.signal, durationMs: exit.duration_ms, timedOut: exit.timed_out === true });
      const updated = r.store.run(run.run_id) ?? run;
      // Before anything else reads the repository: what the agent changed outside its checkout.
      const outside = await contained(r, updated);
      if (outside !== undefined) return failAttempt(r, updated, step, outside);
      return judgeAndFinish(r, updated, step, exit);
    }
  }
}

async function judgeAndFinish(r: Runner, run: RunRow, step: WorkstreamStep, exit: ExitFile): Promise<CollectOutcome> {
  // The tree the gate judged, committed as it is; none when the commit is already made.
  let staged: StagedTree | undefined;
  try {
    if ((await committedBefore(r, run)) !== undefined) {
      r.store.updateRun(run.run_id, { step: 'committed' });
    } else {
      const verdict = await judgeAttempt(r, run, step, exit);
      if (!verdict.ok) {
        await failRun(r, run, step, verdict.reason);
        return { kind: 'failed', reason: verdict.reason, badData: false };
      }
      staged = verdict.staged;
      crashPoint('collect:judged');
    }
  } catch (error) {
    // Whatever went wrong judging the attempt, the phase must not stay `running` forever:
    // fail the attempt with the error, so it can be inspected and retried.
    return failAttempt(r, run, step, `phaserunner could not check this attempt: ${describeError(error)}`);
  }
  try {
    return await finalizeRun(r, r.store.run(run.run_id) ?? run, step, staged);
  } catch (error) {
    // Committing the attempt failed (git could not write its commit, say): every later pass
    // would judge it again and fail the same way, with the phase `running` and `retry`
    // refused. Until its commit is recorded the attempt is only files in its checkout, so fail
    // it like any other (the files are kept) and let it be retried. Once committed, the error
    // is the merge's, which the next pass resumes: it is passed on. So is a commit git could
    // not sign: nothing is wrong with the attempt, and it is committed once signing works.
    if (r.store.run(run.run_id)?.step !== 'dispatched' || (error instanceof PhaserunnerError && error.failure.reason === 'signing-failed')) throw error;
    return failAttempt(r, run, step, `phaserunner could not commit this attempt: ${describeError(error)}`);
  }
}

async function failAttempt(r: Runner, run: RunRow, step: WorkstreamStep, reason: string): Promise<CollectOutcome> {
  await failRun(r, run, step, reason);
  return { kind: 'failed', reason, badData: false };
}

/** What went wrong, in one line: a failed git names its command, exit code and message. */
function describeError(error: unknown): string {
  if (error instanceof PhaserunnerError && error.failure.reason === 'git-failed') {
    const { command, exitCode, stderr, timedOutMinutes } = error.failure;
    const said = stderr.replace(/\s+/g, ' ').trim().slice(0, 500);
    const ended = timedOutMinutes === undefined ? `exited ${exitCode ?? 'by signal'}` : `did not finish within ${timedOutMinutes} min (timeouts.git_minutes) and was stopped`;
    return `\`${command}\` ${ended}${said === '' ? '.' : `: ${said}`}`;
  }
  return error instanceof Error ? error.message : String(error);
}

/** Why the attempt fails for what changed outside its checkout; what only is reported is told as an event. */
async function contained(r: Runner, run: RunRow): Promise<string | undefined> {
  const found = await checkContainment(r, run);
  if (found.reported.length > 0) r.emit({ type: 'outside-changes', phase: phaseOf(run), runId: run.run_id, changes: found.reported });
  return found.failure;
}


/** What the wrapper's exit.json says of the attempt, as its run row records it. */
export function exitPatch(exit: ExitFile): RunPatch {
  return {
    finished_at: exit.finished_at,
    exit_code: exit.exit_code,
    signal: exit.signal,
    duration_ms: exit.duration_ms,
    tokens_in: exit.tokens_in ?? null,
    tokens_out: exit.tokens_out ?? null,
    cost_usd: exit.cost_usd ?? null,
  };
}
