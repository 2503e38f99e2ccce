// `run --workstream execution`: passes (pass.ts) until nothing can go on without a human, with
// --wait; without it, what can be done now, the runner's own checks and merges included (they
// need the runner), while the agents it started keep working for the next `run` to collect.
// Between passes it sleeps until an agent ends (its exit.json appears), background work
// settles, or the poll interval passes, and it shows each working task (the board).
import { mkdirSync } from 'node:fs';
import { resolve } from 'node:path';
import { isBelow } from '../util/path.js';
import { stopMarked } from '../integrate/marked-processes.js';
import type { ProgressReport } from '../execution/schedule.js';
import { removeCheckout, removeStaleCandidates } from '../integrate/checkout.js';
import { emptyTrash } from '../git/worktree.js';
import { candidateCheckout } from './merge-queue.js';
import { sleep, watchAgents } from '../runner/wait.js';
import { EXECUTION } from '../workstream/execution.js';
import { integrationRoot, trashRoot, type Execution } from './context.js';
import { Jobs } from './jobs.js';
import { executionPass, tidyMergedTasks, type ExecJobs } from './pass.js';

export interface ExecRunOptions {
  readonly wait: boolean;
  readonly pollMs?: number;
  /** Aborting stops waiting (Ctrl-C): agents keep running, the runner's checks stop and are run again by the next `run`. */
  readonly signal?: AbortSignal;
}

export interface ExecRunResult {
  readonly report: ProgressReport;
  readonly dispatched: readonly string[];
  readonly merged: readonly string[];
  readonly interrupted: boolean;
}

export async function runExecution(x: Execution, options: ExecRunOptions): Promise<ExecRunResult> {
  const root = integrationRoot(x);
  mkdirSync(root, { recursive: true });
  // Candidates' checkouts left by a runner that stopped while it tested them.
  await removeStaleCandidates(x.repo.root, root);
  // A task's checks a runner killed while they ran left behind (they carry its checkout's mark).
  // They run only while their task is verifying, and a killed runner leaves it so.
  const checkouts = resolve(x.state.worktrees);
  if (x.store.tasks(EXECUTION).some((t) => t.state === 'verifying')) await stopMarked((checkout) => isBelow(checkouts, resolve(checkout)));
  const jobs: ExecJobs = new Jobs();
  // What a runner that stopped while deleting merged tasks' checkouts left.
  jobs.background(emptyTrash(trashRoot(x)));
  await tidyMergedTasks(x, jobs);
  const onAbort = (): void => {
    jobs.abort();
  };
  options.signal?.addEventListener('abort', onAbort, { once: true });
  const dispatched: string[] = [];
  const merged: string[] = [];
  try {
    for (;;) {
      const result = await executionPass(x, jobs);
      dispatched.push(...result.dispatched);
      merged.push(...result.merged);
      const done = (interrupted: boolean): ExecRunResult => ({ report: result.report, dispatched, merged, interrupted });
      if (options.signal?.aborted === true) {
        await jobs.drain();
        return done(true);
      }
      if (!options.wait) {
        if (!jobs.busy) return done(false);
        await jobs.settled();
        continue;
      }
      if (!result.report.possible && !jobs.busy) return done(false);
      if (await watch(x, jobs, options.pollMs ?? 250, options.signal)) {
        await jobs.drain();
        return done(true);
      }
    }
  } finally {
    options.signal?.removeEventListener('abort', onAbort);
    // The merge queue's checkout, kept between candidates: gone with the run (a runner that
    // dies leaves it for the next one's removeStaleCandidates).
    if (!jobs.busy) await removeCheckout(x.repo.root, candidateCheckout(x)).catch(() => undefined);
    await jobs.idle();
  }
}

/** Sleeps until something may have changed; emits the board meanwhile. True on abort. */
async function watch(x: Execution, jobs: ExecJobs, pollMs: number, signal: AbortSignal | undefined): Promise<boolean> {
  const runs = x.store.activeRuns(EXECUTION).filter((run) => run.step === 'dispatched');
  const wake = watchAgents(runs, (run, elapsedMs, line) => {
    x.emit({ type: 'task-progress', task: run.step_id, runId: run.run_id, stage: 'agent', elapsedMs, line });
  });
  if (wake === undefined) return false;
  try {
    for (const job of jobs.verifying.values()) {
      x.emit({ type: 'task-progress', task: job.task, runId: job.runId, stage: 'checks', elapsedMs: Date.now() - job.startedAt, line: job.line });
    }
    if (jobs.queue !== undefined) {
      const job = jobs.queue;
      x.emit({ type: 'task-progress', task: job.task, runId: job.runId, stage: 'integration', elapsedMs: Date.now() - job.startedAt, line: job.line });
    }
    const early = Promise.race([wake.appeared, jobs.settled()]);
    return await sleep(pollMs, signal, early);
  } finally {
    wake.close();
  }
}
