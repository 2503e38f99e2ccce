// Is a finished attempt complete? exit.json said the agent ended; now the runner checks the
// rest of the contract: no process left running (the wrapper stopped and named any), exit
// code 0, no refs moved outside its checkout (refused by the ref guard), the checkout still
// on its branch with no commits of the agent's own, changes inside the declared outputs only
// (and at least one) and within the limits on their number and size (output-limits.ts), and
// the beforeAdvance gate passing on the tree that would be committed (staged-tree.ts): the
// outputs' bytes exactly as the agent left them, regular files only.
import { existsSync, readFileSync } from 'node:fs';
import { lastLines } from '../util/fs.js';
import { runFiles } from '../dispatch/run-dir.js';
import { refusedRefMoves } from '../dispatch/ref-guard.js';
import { bwrapError } from '../dispatch/sandbox.js';
import { parseDispatchSpec } from '../dispatch/spec.js';
import type { ExitFile } from '../dispatch/exit-file.js';
import { nameStragglers } from '../dispatch/reap.js';
import { evaluateGate } from '../gates/evaluate.js';
import { failureLines, targetKey, targetLabel, type GateResult } from '../gates/types.js';
import { changedPaths, checkoutOf, ignoredOutputFiles } from '../git/status.js';
import type { RunRow } from '../store/store.js';
import { matcherFor } from '../util/glob.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { crashPoint } from './crash-points.js';
import { overOutputLimits } from './output-limits.js';
import { notRegularFiles } from './output-files.js';
import { readTree, stageAttempt, type StagedTree } from './staged-tree.js';
import { phaseStep } from '../workstream/step-id.js';

/** A complete attempt carries the tree its gate judged: the commit step commits exactly that. */
export type Verdict = { readonly ok: true; readonly staged: StagedTree } | { readonly ok: false; readonly reason: string };

const SHOWN = 8;

export async function judgeAttempt(r: Runner, run: RunRow, step: WorkstreamStep, exit: ExitFile): Promise<Verdict> {
  return withRefusals(await judgePhase(r, run, step, exit), exit);
}

/** What an attempt's work is judged against: the files it may change, and its time. */
export interface WorkScope {
  readonly outputs: readonly string[];
  readonly timeoutMinutes: number | undefined;
  /** Changing nothing is done work (a phase planned again, whose outputs are on the base already). */
  readonly nothingIsDone: boolean;
}

/**
 * The contract every attempt is held to, whichever workstream it is of: the agent ended
 * cleanly, moved no ref, stayed on its branch, changed files inside `outputs` only and within
 * the limits; the tree to commit is staged. A phase's gate, or a task's checks, come after.
 */
export async function judgeWork(r: Runner, run: RunRow, scope: WorkScope, exit: ExitFile): Promise<Verdict> {
  return withRefusals(await judgeCheckout(r, run, scope, exit), exit);
}

function withRefusals(verdict: Verdict, exit: ExitFile): Verdict {
  // What the agent's CLI refused it often explains the failure ("changed nothing": every
  // write was refused). Refusals alone fail nothing: the CLI kept the agent in its bounds.
  const denied = exit.denied ?? [];
  if (verdict.ok || denied.length === 0) return verdict;
  return { ok: false, reason: `${verdict.reason} The agent's CLI refused ${denied.length === 1 ? 'a tool call' : `${denied.length} tool calls`}: ${list(denied)}.` };
}

async function judgePhase(r: Runner, run: RunRow, step: WorkstreamStep, exit: ExitFile): Promise<Verdict> {
  // A phase planned again (a replan) already has its outputs on the base: an agent that finds
  // nothing to change has done its work, and the gate below judges what is there. The first
  // time, changing nothing is doing nothing.
  const replanned = (r.store.phase(r.workstream.name, phaseStep(step.phase))?.attempts_base ?? 0) > 0;
  const work = await judgeCheckout(r, run, { outputs: step.outputs, timeoutMinutes: step.timeoutMinutes, nothingIsDone: replanned }, exit);
  if (!work.ok) return work;
  const { staged } = work;
  const target = step.gates.beforeAdvance;
  const gate = await gateOnTree(r, run, step, staged.tree);
  r.store.recordGate({ workstream: r.workstream.name, step_id: phaseStep(step.phase), run_id: run.run_id, target: targetKey(target), moment: 'beforeAdvance', ok: gate.ok, checks: gate.checks });
  r.emit({ type: 'gate', phase: step.phase, name: step.name, target: targetKey(target), moment: 'beforeAdvance', ok: gate.ok, checks: gate.checks, runId: run.run_id });
  if (!gate.ok) return { ok: false, reason: `${targetLabel(target)} is not met: ${failureLines(gate.checks).join(' ')}` };
  return { ok: true, staged };
}

async function judgeCheckout(r: Runner, run: RunRow, scope: WorkScope, exit: ExitFile): Promise<Verdict> {
  const failedExit = exit.exit_code !== 0 || exit.timed_out === true || exit.output_exceeded === true;
  // Whatever the agent did, a process it left running could have changed anything after it
  // ended, until the wrapper stopped it: nothing of the attempt is trusted.
  const left = stragglersReason(exit);
  if (left !== undefined) return { ok: false, reason: failedExit ? `${left} Besides, ${await exitReason(r, run, scope.timeoutMinutes, exit)}` : left };
  // A timed-out agent may exit 0 on SIGTERM: it still did not finish in time.
  if (failedExit) return { ok: false, reason: await exitReason(r, run, scope.timeoutMinutes, exit) };
  // A CLI can exit 0 and still report failure in its own output (Claude Code's is_error, a
  // stream cut off by a signal): that report decides.
  if (exit.agent_error !== undefined) return { ok: false, reason: `the agent exited 0, but its CLI reported an error: ${exit.agent_error}` };
  const refused = refusedRefMoves(run.run_dir);
  if (refused.length > 0) {
    return {
      ok: false,
      reason: `the agent tried to move refs outside its checkout (${list(refused)}); git refused, and they are unchanged. An agent's git may only move its own branch, ${run.branch}.`,
    };
  }
  if (!existsSync(run.worktree)) return { ok: false, reason: `the agent's checkout ${run.worktree} is gone.` };
  const head = await checkoutOf(run.worktree);
  if (head === undefined) {
    return { ok: false, reason: `the agent's checkout ${run.worktree} is no longer a git worktree (its .git was removed or replaced).` };
  }
  if (head.branch !== `refs/heads/${run.branch}`) {
    return { ok: false, reason: `the agent left its branch ${run.branch} (HEAD is now ${head.branch ?? `detached at ${head.commit.slice(0, 12)}`}).` };
  }
  if (head.commit !== run.base_sha) {
    return { ok: false, reason: `the agent made commits of its own (${run.branch} moved from ${run.base_sha.slice(0, 12)} to ${head.commit.slice(0, 12)}); phaserunner commits the agent's work itself.` };
  }

  const inOutputs = matcherFor(scope.outputs);
  const entries = await changedPaths(run.worktree);
  const changed = entries.map((c) => c.path);
  // Ignored files count only inside the outputs: elsewhere they are caches and build output.
  const ignoredOutputs = await ignoredOutputFiles(run.worktree, scope.outputs);
  const overLimits = await overOutputLimits(r, run, [...changed, ...ignoredOutputs]);
  if (overLimits !== undefined) return { ok: false, reason: overLimits };
  // git prints names as bytes; one that is not UTF-8 cannot be matched or staged reliably.
  const undecodable = [...changed, ...ignoredOutputs].filter((p) => p.includes('\uFFFD'));
  if (undecodable.length > 0) {
    return { ok: false, reason: `the agent wrote file names that are not valid UTF-8: ${list(undecodable)}.` };
  }
  const outside = changed.filter((p) => !inOutputs(p));
  if (outside.length > 0) {
    return { ok: false, reason: `the agent changed files outside its declared outputs: ${list(outside)} (allowed: ${scope.outputs.join(', ')}).` };
  }
  const inside = [...changed, ...ignoredOutputs];
  const notFiles = notRegularFiles(run.worktree, entries, ignoredOutputs);
  if (notFiles.length > 0) {
    const named = notFiles.slice(0, SHOWN).map((f) => `${JSON.stringify(f.path)} (${f.kind})`);
    const more = notFiles.length > SHOWN ? ` and ${notFiles.length - SHOWN} more` : '';
    return { ok: false, reason: `the agent wrote outputs that are not regular files: ${named.join(', ')}${more}. Outputs must be regular files: phaserunner stores no symbolic links, submodules or other repositories.` };
  }
  if (inside.length === 0 && !scope.nothingIsDone) {
    return { ok: false, reason: `the agent exited 0 but changed nothing inside its declared outputs (${scope.outputs.join(', ')}).` };
  }
  // Staged once, judged, and (by the caller) committed as it is.
  const staged = await stageAttempt(run, inside);
  crashPoint('verdict:tree-staged');
  return { ok: true, staged };
}

/** The beforeAdvance gate: its file, json and tasks checks read `tree`; command checks run in the checkout. */
async function gateOnTree(r: Runner, run: RunRow, step: WorkstreamStep, tree: string): Promise<GateResult> {
  const reading = readTree(r.repo.root, tree);
  try {
    return await evaluateGate(step.gates.beforeAdvance, step.checks.beforeAdvance, run.worktree, { files: reading.files });
  } finally {
    await reading.close();
  }
}

async function exitReason(r: Runner, run: RunRow, timeoutMinutes: number | undefined, exit: ExitFile): Promise<string> {
  const minutes = timeoutMinutes ?? r.config.timeouts.phase_minutes;
  let reason: string;
  if (exit.output_exceeded === true) reason = `the agent wrote more than ${r.config.limits.max_output_mb} MB of output (stdout and stderr together) and was stopped.`;
  else if (exit.timed_out === true) reason = `the agent ran past the phase timeout (${minutes} min) and was killed.`;
  else if (exit.error !== undefined) reason = `the agent could not be started: ${exit.error}.`;
  else if (exit.signal !== null) reason = `the agent was killed by ${exit.signal}.`;
  else reason = `the agent exited with code ${exit.exit_code ?? '?'}.`;
  // The CLI's own account of the error says more than the end of its stderr.
  if (exit.agent_error !== undefined) return `${reason} Its CLI reported an error: ${exit.agent_error}`;
  const lines = await lastLines(runFiles(run.run_dir).stderr, 3);
  // bwrap that could not set the sandbox up exits 1 with its own error, before the agent ran.
  const sandboxError = exit.exit_code === 1 && sandboxedRun(run.run_dir) ? bwrapError(lines) : undefined;
  if (sandboxError !== undefined) return `the agent's sandbox (bubblewrap) could not start, so the agent never ran: ${sandboxError}. \`phaserunner doctor\` checks the sandbox and says how to fix it.`;
  const tail = lines.join(' | ').slice(0, 500);
  return tail === '' ? reason : `${reason} Last stderr: ${tail}`;
}

/** Whether the attempt's agent was started in a sandbox (its dispatch.json says). */
function sandboxedRun(runDir: string): boolean {
  const file = runFiles(runDir).spec;
  try {
    return parseDispatchSpec(readFileSync(file, 'utf8'), file).sandbox !== undefined;
  } catch {
    return false;
  }
}

/** The processes the agent left running (the wrapper stopped them), or undefined when it left none. */
function stragglersReason(exit: ExitFile): string | undefined {
  const named = exit.stragglers ?? [];
  const count = Math.max(exit.stragglers_count ?? 0, named.length);
  if (count === 0) return undefined;
  return `the agent left ${count === 1 ? 'a process' : `${count} processes`} running after it ended (${nameStragglers(named, count)}); the wrapper stopped ${count === 1 ? 'it' : 'them'}. An agent must end everything it starts, build tools' daemons included (\`gradle --no-daemon\` and the like): a process left behind could change the checkout or phaserunner's files after the attempt.`;
}

function list(paths: readonly string[]): string {
  const shown = paths.slice(0, SHOWN).map((p) => JSON.stringify(p));
  return paths.length > SHOWN ? `${shown.join(', ')} and ${paths.length - SHOWN} more` : shown.join(', ');
}
