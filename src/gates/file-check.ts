// The `file` check: files exist, are not blank, and do or do not contain a pattern.
import type { FileCheck } from '../phases/schema.js';
import type { z } from 'zod';
import { isGlob } from '../util/glob.js';
import type { FileSource, SyncFileSource } from './files.js';
import { resultBase, type CheckResult } from './types.js';

export type FileCheckDef = z.output<typeof FileCheck>;

const MAX_PROBLEMS = 5;

export async function runFileCheck(check: FileCheckDef, files: FileSource): Promise<CheckResult> {
  const judge = new FileJudge(check, await files.list(check.path));
  // One file at a time: a glob over a large checkout must not hold every file at once.
  for (const match of judge.files) judge.file(match, await files.read(match));
  return judge.result();
}

/** The same check over files already in memory: the audit re-runs gates against history this way. */
export function runFileCheckSync(check: FileCheckDef, files: SyncFileSource): CheckResult {
  const judge = new FileJudge(check, files.list(check.path));
  for (const match of judge.files) judge.file(match, files.read(match));
  return judge.result();
}

/** The verdict of a file check, built file by file, so checkouts and trees share one definition. */
class FileJudge {
  private readonly problems: string[] = [];
  private readonly mustMatch: RegExp | undefined;
  private readonly mustNotMatch: RegExp | undefined;
  /** The files to read: none when too few matched (the verdict is known). */
  readonly files: readonly string[];

  constructor(
    private readonly check: FileCheckDef,
    private readonly matches: readonly string[],
  ) {
    this.files = matches.length < (check.min_count ?? 1) ? [] : matches;
    this.mustMatch = check.must_match === undefined ? undefined : new RegExp(check.must_match, 'm');
    this.mustNotMatch = check.must_not_match === undefined ? undefined : new RegExp(check.must_not_match, 'm');
  }

  file(match: string, text: string | undefined): void {
    const { check, problems, mustMatch, mustNotMatch } = this;
    // Names come from the agent: quoted when not plain, so a message stays one line.
    const path = /^[\x20-\x7e]+$/.test(match) ? match : JSON.stringify(match);
    if (text === undefined) {
      problems.push(`${path} cannot be read (it points outside the checkout).`);
      return;
    }
    if ((check.non_empty ?? true) && text.trim() === '') problems.push(`${path} is empty.`);
    else if (mustMatch !== undefined && !mustMatch.test(text)) {
      problems.push(`${path} has no match for /${check.must_match ?? ''}/.`);
    }
    if (mustNotMatch !== undefined) {
      const found = mustNotMatch.exec(text);
      if (found !== null) {
        const line = text.slice(0, found.index).split('\n').length;
        problems.push(`${path}:${line} contains ${JSON.stringify(found[0].slice(0, 60))}, which must not appear.`);
      }
    }
  }

  result(): CheckResult {
    const { check, matches, problems } = this;
    const min = check.min_count ?? 1;
    const base = resultBase('file', check.path, check.message);
    if (matches.length < min) {
      const message = isGlob(check.path)
        ? `expected at least ${min} file(s) matching ${check.path}, found ${matches.length}.`
        : `${check.path} is missing.`;
      return { ...base, ok: false, message };
    }
    if (problems.length > 0) {
      const shown = problems.slice(0, MAX_PROBLEMS);
      if (problems.length > MAX_PROBLEMS) shown.push(`(and ${problems.length - MAX_PROBLEMS} more)`);
      return { ...base, ok: false, message: shown.join(' ') };
    }
    const message = isGlob(check.path) ? `${matches.length} file(s) matching ${check.path} pass.` : `${check.path} passes.`;
    return { ...base, ok: true, message };
  }
}
