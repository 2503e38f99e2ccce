// Gate, then dispatch: prepare the phase's checkout from the base tip, evaluate the
// beforeDispatch gate in it (exactly what the agent will see), render the prompt, record the
// run, and start the agent detached.
import { existsSync, mkdirSync, realpathSync, renameSync } from 'node:fs';
import { join } from 'node:path';
import { agentCommand } from '../dispatch/agent-command.js';
import { spawnWrapper, writeDispatchSpec } from '../dispatch/launch.js';
import { runFiles } from '../dispatch/run-dir.js';
import type { GuardedCheckout } from '../dispatch/ref-guard.js';
import { evaluateGate } from '../gates/evaluate.js';
import { failureLines, targetKey, targetLabel } from '../gates/types.js';
import { branchTip, resolveCommit } from '../git/repo.js';
import { addWorktree, deleteBranch, listWorktrees, removeWorktree, worktreeGitDir, worktreeHolding } from '../git/worktree.js';
import { shellWord } from '../util/shell.js';
import { renderPrompt, type PreviousAttempt } from '../phases/prompt.js';
import { writeFileAtomic } from '../util/fs.js';
import { ulid } from '../util/ulid.js';
import type { WorkstreamStep } from '../workstream/types.js';
import type { Runner } from './context.js';
import { phaseBranch, phaseWorktree } from './naming.js';
import { collectPromptInput } from './prompt-input.js';
import type { PhaseRow, RunRow } from '../store/store.js';
import { crashPoint } from './crash-points.js';
import { fingerprintAttempt } from './containment.js';
import { phaseStep } from '../workstream/step-id.js';
import type { AgentAdapter, AgentContext } from '../agents/types.js';

export type DispatchOutcome = { readonly kind: 'dispatched'; readonly runId: string } | { readonly kind: 'blocked'; readonly reason: string };

export async function gateAndDispatch(r: Runner, step: WorkstreamStep): Promise<DispatchOutcome> {
  const ws = r.workstream.name;
  const phase = r.store.phase(ws, phaseStep(step.phase));
  if (phase === undefined) throw new Error(`phase ${step.phase} missing from the store`);
  const branch = phaseBranch(ws, step);
  const worktree = phaseWorktree(r.state, ws, step);
  const baseSha = await branchTip(r.repo.root, r.config.base);

  const previousRun = r.store.runs(ws, phaseStep(step.phase)).at(-1);
  await clearCheckout(r, worktree, previousRun?.run_dir);
  crashPoint('dispatch:checkout-cleared');
  // git lets one worktree hold a branch: the user's checkout (or rebase, or bisect) of it is theirs to end.
  const holder = worktreeHolding(await listWorktrees(r.repo.root), branch);
  if (holder !== undefined) {
    return block(r, step, phase,
      `its branch ${branch} is checked out (or being rebased or bisected) in ${holder.path}, and the agent's checkout needs it. ` +
        `Finish there, and leave the branch (\`git -C ${shellWord(holder.path)} switch --detach\`), then run again.`);
  }
  const branchExisted = (await resolveCommit(r.repo.root, `refs/heads/${branch}`)) !== undefined;
  await addWorktree(r.repo.root, worktree, branch, baseSha);
  crashPoint('dispatch:worktree-added');

  const target = step.gates.beforeDispatch;
  const gate = await evaluateGate(target, step.checks.beforeDispatch, worktree);
  r.store.recordGate({ workstream: ws, step_id: phaseStep(step.phase), run_id: null, target: targetKey(target), moment: 'beforeDispatch', ok: gate.ok, checks: gate.checks });
  r.emit({ type: 'gate', phase: step.phase, name: step.name, target: targetKey(target), moment: 'beforeDispatch', ok: gate.ok, checks: gate.checks, runId: null });
  crashPoint('dispatch:gate-recorded');
  if (!gate.ok) {
    // Leave nothing behind: no checkout, and no branch unless an earlier attempt made it.
    await removeWorktree(r.repo.root, worktree, r.repo.commonDir);
    if (!branchExisted) await deleteBranch(r.repo.root, branch);
    return block(r, step, phase, `${targetLabel(target)} is not met: ${failureLines(gate.checks).join(' ')}`);
  }

  const runId = ulid();
  const attempt = phase.attempts + 1;
  const runDir = join(r.state.runs, runId);
  mkdirSync(runDir, { recursive: true });
  const files = runFiles(runDir);
  const previous = previousAttempt(r, previousRun);
  writeFileAtomic(files.prompt, renderPrompt(await collectPromptInput(r, step, worktree, previous)));
  crashPoint('dispatch:prompt-written');

  // The run is recorded before the agent starts: a crash in between leaves a run whose
  // wrapper never started, which the next pass starts (see startAgent) rather than fails.
  r.store.write(() => {
    r.store.insertRun({ run_id: runId, workstream: ws, step_id: phaseStep(step.phase), attempt, agent: r.agent.name, branch, worktree, run_dir: runDir, base_sha: baseSha });
    r.store.transition(ws, phaseStep(step.phase), runId, 'running', `attempt ${attempt} dispatched to ${r.agent.name}`, { attempts: attempt, branch, commit_sha: null, merge_sha: null });
  });
  crashPoint('dispatch:run-recorded');
  const run = r.store.run(runId);
  if (run === undefined) throw new Error(`run ${runId} was not recorded`);
  await startAgent(r, step, run);
  return { kind: 'dispatched', runId };
}

/** The phase cannot be dispatched until the user acts: one transition, then only a changed reason is noted. */
function block(r: Runner, step: WorkstreamStep, row: PhaseRow, reason: string): DispatchOutcome {
  if (row.state !== 'blocked') r.store.transition(r.workstream.name, phaseStep(step.phase), null, 'blocked', reason);
  else if (row.reason !== reason) r.store.noteReason(r.workstream.name, phaseStep(step.phase), reason);
  r.emit({ type: 'blocked', phase: step.phase, name: step.name, reason });
  return { kind: 'blocked', reason };
}

/** Starts a phase attempt's agent (see launchAttempt) and says so. */
export async function startAgent(r: Runner, step: WorkstreamStep, run: RunRow, launch = 1): Promise<void> {
  const timeoutMinutes = step.timeoutMinutes ?? r.config.timeouts.phase_minutes;
  await launchAttempt(r, run, launch, {
    agent: r.agent,
    context: { phase: step.phase, phaseName: step.name, role: step.role, outputs: step.outputs, workstream: r.workstream.name },
    timeoutMinutes,
  });
  r.emit({ type: 'dispatched', phase: step.phase, name: step.name, role: step.role, attempt: run.attempt, runId: run.run_id, agent: r.agent.name, branch: run.branch, worktree: run.worktree, runDir: run.run_dir, timeoutMinutes });
}

/** What an attempt's agent is started with, whichever workstream it is of. */
export interface AttemptStart {
  readonly agent: AgentAdapter;
  /** The invocation's context but what the run itself says (its files, id and attempt). */
  readonly context: Omit<AgentContext, 'promptFile' | 'worktree' | 'runDir' | 'runId' | 'attempt' | 'intent'>;
  readonly timeoutMinutes: number;
}

/**
 * Starts the wrapper (and through it the agent) for a recorded run: at dispatch (launch 1),
 * or on a later pass for an attempt whose agent provably never started (the runner died after
 * recording the run, or before its wrapper claimed it: see dispatch/claim.ts). A later launch
 * is the same attempt, started again.
 */
export async function launchAttempt(r: Runner, run: RunRow, launch: number, start: AttemptStart): Promise<void> {
  const files = runFiles(run.run_dir);
  if (launch > 1) {
    // The pid on record is a retired launch's wrapper. It goes first, so that a pid on record
    // is always the current launch's wrapper: a runner killed before it records the new one
    // leaves none, which the next pass tells apart from a recorded wrapper that died unclaimed.
    r.store.updateRun(run.run_id, { wrapper_pid: null, launch });
    crashPoint('dispatch:pid-cleared');
  } else {
    r.store.updateRun(run.run_id, { launch });
  }
  const invocation = start.agent.invocation({
    ...start.context,
    promptFile: files.prompt,
    worktree: run.worktree,
    runDir: run.run_dir,
    runId: run.run_id,
    attempt: run.attempt,
    intent: r.config.intent,
  });
  // Its whole environment (an allowlist of the runner's), every git it runs refusing to move
  // refs outside its checkout (ref-guard.ts), and its sandbox when it has one.
  const command = agentCommand({ agent: start.agent.name, invocation, runDir: run.run_dir, worktree: run.worktree, repoRoot: r.repo.root, guard: guardedCheckout(r, run), runnerEnv: process.env });
  writeDispatchSpec(run.run_dir, {
    run_id: run.run_id,
    argv: command.argv,
    cwd: run.worktree,
    env: command.env,
    ...(command.sandbox === undefined ? {} : { sandbox: command.sandbox }),
    stdin_file: invocation.stdin ? files.prompt : null,
    ...(invocation.output === undefined ? {} : { output_format: invocation.output }),
    timeout_ms: Math.round(start.timeoutMinutes * 60_000),
    kill_grace_ms: Math.round(r.config.timeouts.kill_grace_seconds * 1000),
    max_output_bytes: Math.round(r.config.limits.max_output_mb * 2 ** 20),
    run: { workstream: run.workstream, phase: start.context.phase, attempt: run.attempt, agent: run.agent, branch: run.branch, base_sha: run.base_sha },
    launch,
  });
  crashPoint('dispatch:spec-written');
  // Last before the agent can act: what lies outside its checkout, to compare when it ends.
  await fingerprintAttempt(r, run);
  const wrapperPid = spawnWrapper(run.run_dir, launch);
  crashPoint('dispatch:wrapper-launched');
  r.store.updateRun(run.run_id, { wrapper_pid: wrapperPid });
  crashPoint('dispatch:pid-recorded');
}

function guardedCheckout(r: Runner, run: RunRow): GuardedCheckout {
  const gitDir = worktreeGitDir(run.worktree);
  // Without its own git dir (the checkout is broken already) nothing counts as the agent's own.
  return { commonDir: r.repo.commonDir, gitDir: gitDir === undefined ? '' : realpathSync(gitDir), branch: run.branch };
}

/**
 * Makes room for the phase's checkout. A previous attempt's worktree goes (its files were
 * kept in a snapshot ref when it failed); git's record of a worktree whose directory is gone
 * is pruned; and a directory git no longer knows as a worktree (an agent removed its .git)
 * is moved into the previous run's directory, never deleted.
 */
export async function clearCheckout(r: Runner, worktree: string, previousRunDir: string | undefined): Promise<void> {
  await removeWorktree(r.repo.root, worktree, r.repo.commonDir);
  if (existsSync(worktree)) {
    const keep = join(previousRunDir ?? r.state.runs, `leftover-checkout-${Date.now()}`);
    renameSync(worktree, keep);
  }
}

/** The attempt before this one, as its retry's prompt tells it: why it failed, and the gate's failed checks. */
function previousAttempt(r: Runner, run: RunRow | undefined): PreviousAttempt | undefined {
  if (run?.failure == null) return undefined;
  const gate = r.store.runGate(run.run_id, 'beforeAdvance');
  return {
    attempt: run.attempt,
    reason: run.failure,
    rejected: run.step === 'rejected',
    gateFailures: gate === undefined || gate.ok ? [] : gate.checks.filter((c) => !c.ok),
  };
}
