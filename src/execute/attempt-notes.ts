// What the runner keeps in a task attempt's run directory for the attempt after it: the check
// that failed (in its checkout, or on its merge candidate) and, when its merge conflicted, the
// conflict's sides. Written by the runner after the agent ended and before the attempt is
// recorded as failed; read when the next attempt's prompt is written.
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { ConflictSide } from '../integrate/conflict-sides.js';
import { writeFileAtomic } from '../util/fs.js';

export interface FailedCheckNote {
  readonly label: string;
  readonly argv: readonly string[];
  readonly message: string;
  readonly outputTail: string;
  readonly where: 'checkout' | 'integration';
}

/** The note of a check that failed, in the task's checkout or on its merge candidate. */
export function checkNote(f: Pick<FailedCheckNote, 'label' | 'argv' | 'message' | 'outputTail'>, where: FailedCheckNote['where']): FailedCheckNote {
  return { label: f.label, argv: f.argv, message: f.message, outputTail: f.outputTail, where };
}

export interface ConflictNote {
  readonly previousCommit: string;
  readonly baseTip: string;
  readonly sides: readonly ConflictSide[];
}

export interface AttemptNotes {
  readonly failedCheck?: FailedCheckNote;
  readonly conflict?: ConflictNote;
}

const FILE = 'attempt-notes.json';

export function writeAttemptNotes(runDir: string, notes: AttemptNotes): void {
  writeFileAtomic(join(runDir, FILE), JSON.stringify(notes));
}

/** The notes of an attempt, or none (none written, or unreadable: a prompt then goes without). */
export function readAttemptNotes(runDir: string): AttemptNotes {
  const file = join(runDir, FILE);
  if (!existsSync(file)) return {};
  try {
    const data = JSON.parse(readFileSync(file, 'utf8')) as unknown;
    return typeof data === 'object' && data !== null ? (data) : {};
  } catch {
    return {};
  }
}
