// Decisions a person records about the workstream, kept in git as commits on the base branch
// that change no file (so a fresh clone, the audit and a rebuilt store all know them):
// - replan N: phases N and later are planned again, as new attempts on top of the current
//   base. Their merges stay in history; the audit treats the record as what makes their next
//   merges legitimate.
// - acknowledge N: a hand edit of phase N's outputs since its merge is accepted (the digest of
//   the outputs as they are now), so the audit's drift check starts from there.
// The record is written to the store first (published 0), then published on the base: a
// runner killed in between publishes it on its next start (publishRecords, before any pass).
import { commitTree, updateRefCas } from '../git/commit.js';
import { artifactsDigest } from '../git/digest.js';
import { branchTip, isAncestor } from '../git/repo.js';
import { gitOut } from '../git/exec.js';
import { buildRecordMessage, nameProblem, type RecordKind } from '../git/trailers.js';
import { fail } from '../failures.js';
import type { RecordRow } from '../store/store.js';
import { nowIso } from '../util/time.js';
import type { Runner } from './context.js';
import { crashPoint } from './crash-points.js';
import { attemptSnapshotRef } from './naming.js';
import { publishOnBase } from './publish.js';
import { phaseOf, phaseStep } from '../workstream/step-id.js';

export interface RecordRequest {
  readonly phase: number;
  readonly by: string;
  readonly reason: string;
}

const MAX_TRIES = 5;

/** `replan N`: phases N and later go back to pending, with a fresh attempt budget, recorded on the base. */
export async function replan(r: Runner, req: RecordRequest): Promise<RecordRow> {
  checkRequest(r, req, 'replan');
  const ws = r.workstream.name;
  const later = r.workstream.phaseIds.filter((p) => p >= req.phase);
  const active = r.store.activeRuns(ws).filter((run) => later.includes(phaseOf(run)));
  const working = active.find((run) => run.step === 'dispatched');
  if (working !== undefined) {
    fail({ reason: 'record-refused', verb: 'replan', phase: req.phase, cause: 'running', detail: `phase ${phaseOf(working)}'s agent is still at work (attempt ${working.attempt})` });
  }
  const rows = later.map((p) => r.store.phase(ws, phaseStep(p))).filter((row) => row !== undefined);
  if (rows.every((row) => row.state === 'pending' && row.attempts === (row.attempts_base ?? 0))) {
    fail({ reason: 'record-refused', verb: 'replan', phase: req.phase, cause: 'nothing-to-do', detail: `no phase from ${req.phase} on has run since it was last planned` });
  }
  // A committed attempt waiting for approval (or a blocked merge) is superseded: its commit is
  // kept on its attempt's ref, as a rejected one is.
  for (const run of active) {
    if (run.commit_sha !== null) await updateRefCas(r.repo.root, attemptSnapshotRef(run.run_id), run.commit_sha, undefined, `phaserunner: attempt ${run.attempt} of phase ${phaseOf(run)} superseded by a replan`);
  }
  const record = await writeRecord(r, 'replan', req, () => {
    const why = `replanned from phase ${req.phase} by ${req.by}: ${req.reason}`;
    for (const run of active) r.store.updateRun(run.run_id, { step: 'superseded', failure: why });
    for (const row of rows) {
      if (row.state === 'pending') r.store.setAttemptsBase(ws, phaseStep(phaseOf(row)), row.attempts);
      else r.store.transition(ws, phaseStep(phaseOf(row)), null, 'pending', why, { commit_sha: null, merge_sha: null, attempts_base: row.attempts });
    }
    r.store.setCurrent(ws, phaseStep(req.phase));
  });
  crashPoint('replan:recorded');
  await publishRecords(r);
  r.emit({ type: 'replanned', phase: req.phase, phases: later, by: req.by, reason: req.reason, commit: published(r, record.id) });
  return record;
}

/** `acknowledge N`: phase N's outputs as they are on the base now are accepted, recorded on the base. */
export async function acknowledge(r: Runner, req: RecordRequest): Promise<RecordRow> {
  checkRequest(r, req, 'acknowledge');
  const ws = r.workstream.name;
  const step = r.workstream.stepForPhase(req.phase);
  const row = r.store.phase(ws, phaseStep(req.phase));
  if (step === undefined || row === undefined) return fail({ reason: 'unknown-phase', phase: req.phase, known: [...r.workstream.phaseIds] });
  if (row.state !== 'done' || row.merge_sha === null) {
    fail({ reason: 'record-refused', verb: 'acknowledge', phase: req.phase, cause: 'nothing-to-do', detail: `phase ${req.phase} is ${row.state}, not merged: there is no merge to measure a change against` });
  }
  const tip = await branchTip(r.repo.root, r.config.base);
  const now = await artifactsDigest(r.repo.root, tip, step.outputs);
  const accepted = lastAccepted(r, req.phase) ?? (await artifactsDigest(r.repo.root, row.merge_sha, step.outputs));
  if (now === accepted) {
    fail({ reason: 'record-refused', verb: 'acknowledge', phase: req.phase, cause: 'nothing-to-do', detail: `phase ${req.phase}'s outputs on ${r.config.base} are as they were merged (or last acknowledged)` });
  }
  const record = await writeRecord(r, 'acknowledge', req, () => undefined, now);
  crashPoint('acknowledge:recorded');
  await publishRecords(r);
  r.emit({ type: 'acknowledged', phase: req.phase, by: req.by, reason: req.reason, digest: now, commit: published(r, record.id) });
  return record;
}

async function stillAccepted(r: Runner, record: RecordRow, tip: string): Promise<boolean> {
  const step = r.workstream.stepForPhase(phaseOf(record));
  return step !== undefined && (await artifactsDigest(r.repo.root, tip, step.outputs)) === record.digest;
}

/** The digest the newest published acknowledgement of `phase` accepted, if any since its merge. */
function lastAccepted(r: Runner, phase: number): string | undefined {
  const acks = r.store.records(r.workstream.name).filter((x) => x.kind === 'acknowledge' && phaseOf(x) === phase && x.published === 1);
  return acks.at(-1)?.digest ?? undefined;
}

function published(r: Runner, id: number): string {
  return r.store.records(r.workstream.name).find((x) => x.id === id)?.commit_sha ?? '';
}

function checkRequest(r: Runner, req: RecordRequest, verb: RecordKind): void {
  const problem = nameProblem(req.by);
  if (problem !== undefined) fail({ reason: 'record-refused', verb, phase: req.phase, cause: 'bad-name', detail: `--by ${problem}` });
  if (req.reason.trim() === '') fail({ reason: 'record-refused', verb, phase: req.phase, cause: 'no-reason', detail: '--reason is empty; the record says why' });
  if (!r.workstream.phaseIds.includes(req.phase)) fail({ reason: 'unknown-phase', phase: req.phase, known: [...r.workstream.phaseIds] });
}

/** Makes the record's commit on the base's tip and records it (with `also`, in one transaction). */
async function writeRecord(r: Runner, kind: RecordKind, req: RecordRequest, also: () => void, digest?: string): Promise<RecordRow> {
  const at = nowIso();
  const tip = await branchTip(r.repo.root, r.config.base);
  const draft = { workstream: r.workstream.name, kind, phase: req.phase, by: req.by, reason: req.reason, at, digest: digest ?? null };
  const commit = await recordCommit(r, tip, draft);
  return r.store.write(() => {
    also();
    const { phase, ...rest } = draft;
    return r.store.insertRecord({ ...rest, step_id: phaseStep(phase), commit_sha: commit });
  });
}

type Draft = Pick<RecordRow, 'workstream' | 'kind' | 'by' | 'reason' | 'at' | 'digest'> & { readonly phase: number };

/** A commit on `tip` with `tip`'s own tree: the record changes no file. */
async function recordCommit(r: Runner, tip: string, d: Draft): Promise<string> {
  const name = r.workstream.stepForPhase(d.phase)?.name ?? '';
  const subject = d.kind === 'replan' ? `${d.workstream}: replan from phase ${d.phase} ${name}` : `${d.workstream}: acknowledge changes to phase ${d.phase} ${name}`;
  const lead = d.kind === 'replan' ? `${d.by} had phase ${d.phase} and every later phase planned again:` : `${d.by} accepts phase ${d.phase}'s outputs as they are on ${r.config.base}:`;
  // The person's words, one body line each; control characters other than tabs are dropped.
  const words = d.reason.replace(/\r\n?/g, '\n').replace(/[^\P{C}\n\t]/gu, '').split('\n');
  const message = buildRecordMessage(subject, [lead, '', ...words], {
    workstream: d.workstream,
    kind: d.kind,
    phase: d.phase,
    by: d.by,
    at: d.at,
    ...(d.digest === null ? {} : { artifactsDigest: d.digest }),
  });
  const tree = await gitOut(['rev-parse', `${tip}^{tree}`], { cwd: r.repo.root });
  return commitTree(r.repo.root, tree, [tip], message, r.config.identity, { sign: r.signCommits });
}

/**
 * Publishes every record not yet on the base, oldest first: made again on the base's tip when
 * it moved since. Called before any pass: a record must be on the base before the runs it
 * allows (a replanned phase's next merge) can reach it.
 */
export async function publishRecords(r: Runner): Promise<void> {
  const root = r.repo.root;
  for (const record of r.store.records(r.workstream.name).filter((x) => x.published === 0)) {
    for (let tries = 0; ; tries++) {
      const tip = await branchTip(root, r.config.base);
      // Published by a runner that died before it could say so.
      if (await isAncestor(root, record.commit_sha, tip)) {
        r.store.markPublished(record.id, record.commit_sha);
        break;
      }
      if (tries >= MAX_TRIES) fail({ reason: 'record-waiting', kind: record.kind, phase: phaseOf(record), detail: `${r.config.base} kept moving (${MAX_TRIES} tries)` });
      const parent = await gitOut(['rev-parse', `${record.commit_sha}^`], { cwd: root });
      if (parent !== tip && record.kind === 'acknowledge' && !(await stillAccepted(r, record, tip))) {
        // The outputs changed again since the person looked: the record would accept what nobody saw.
        r.store.markDropped(record.id);
        break;
      }
      const commit = parent === tip ? record.commit_sha : await recordCommit(r, tip, { ...record, phase: phaseOf(record) });
      crashPoint('record:commit-made');
      const outcome = await publishOnBase(r, commit, tip, `the ${record.kind} record`, `phaserunner: ${record.kind} from phase ${phaseOf(record)}`);
      if (outcome.kind === 'moved') continue;
      if (outcome.kind === 'waiting') fail({ reason: 'record-waiting', kind: record.kind, phase: phaseOf(record), detail: outcome.reason });
      crashPoint('record:published');
      r.store.markPublished(record.id, commit);
      break;
    }
  }
}
