// Words for a POSIX shell: in generated scripts, and in commands a message tells the user to run.

/** `text` as one shell word: bare when it is plainly safe, else single-quoted. */
export function shellWord(text: string): string {
  return /^[\w@%+=:,./-]+$/.test(text) ? text : `'${text.replace(/'/g, `'\\''`)}'`;
}
