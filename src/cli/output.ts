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
