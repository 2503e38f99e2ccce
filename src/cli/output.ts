// The only place that writes to stdout and stderr. With --json, stdout carries exactly one
// JSON document (or NDJSON events) and human text goes nowhere but stderr.

export class Output {
  constructor(
    readonly json: boolean,
    private readonly stdout: NodeJS.WriteStream = process.stdout,
    private readonly stderr: NodeJS.WriteStream = process.stderr,
  ) {}

  /** True when a human watches stdout in a terminal (progress may redraw a line). */
  get interactive(): boolean {
    return !this.json && this.stdout.isTTY && process.env['TERM'] !== 'dumb';
  }

  /** A line for humans on stdout; dropped in --json mode. */
  line(text = ''): void {
    if (!this.json) this.stdout.write(text + '\n');
  }

  /** Redraws the progress line in place (TTY only). */
  status(text: string): void {
    const width = this.stdout.columns > 10 ? this.stdout.columns - 1 : 100;
    this.stdout.write(`\r\x1b[K${text.length > width ? text.slice(0, width - 1) + '…' : text}`);
  }

  clearStatus(): void {
    this.stdout.write('\r\x1b[K');
  }

  /** The terminal's width; 80 when it does not say (or stdout is not a terminal). */
  get columns(): number {
    return this.stdout.isTTY && this.stdout.columns > 0 ? this.stdout.columns : 80;
  }

  private framed = 0;

  /**
   * Draws a block of lines over the block drawn last (TTY only: `status --watch`). Each line
   * must fit the width (see `columns`), or the block drawn next would not cover it.
   */
  frame(lines: readonly string[]): void {
    // A block as tall as the screen has scrolled its top away, out of the cursor's reach:
    // then the screen is cleared instead (as watch(1) does).
    const tall = this.stdout.rows > 0 && Math.max(this.framed, lines.length) >= this.stdout.rows;
    const back = this.framed === 0 ? '' : tall ? '\x1b[H' : `\r\x1b[${this.framed}A`;
    this.stdout.write(`${back}\x1b[J${lines.map((l) => `${l}\n`).join('')}`);
    this.framed = lines.length;
  }

  /** A message for humans on stderr (errors, warnings, and what to do next). */
  error(text: string): void {
    this.stderr.write(text + '\n');
  }

  /** The one JSON document of a --json command. */
  document(value: unknown): void {
    this.stdout.write(JSON.stringify(value, null, 2) + '\n');
  }

  /** One NDJSON event line. */
  event(value: unknown): void {
    this.stdout.write(JSON.stringify(value) + '\n');
  }
}
