// What to do about definitions that differ from the base's (uncommitted.ts): said the same way
// by the refusal and by doctor.
import { shellWord } from '../util/shell.js';

/** The one thing to do about them: commit them where they govern (or undo them). */
export function uncommittedNext(base: string, files: readonly string[], branch: string | undefined): string {
  const list = files.map(shellWord).join(' ');
  const undo = `\`git restore --source=${shellWord(base)} -- ${list}\``;
  if (branch !== undefined && branch !== base) return `Bring the changes to ${base} (merge ${branch} into it, or commit them there), or undo them here with ${undo}.`;
  return `Commit them: \`git add -- ${list} && git commit -m "Update the phaserunner setup"\` (or undo them with ${undo}).`;
}
