// A single status line on stderr, rewritten in place, so progress never mixes into the results on
// stdout. When stderr is not a terminal (CI logs, `2> file`) it stays silent instead of filling
// the log with carriage returns.
export class ProgressLine {
  private shown = false;

  constructor(private readonly stream: NodeJS.WriteStream = process.stderr) {}

  update(text: string): void {
    if (!this.stream.isTTY) return;
    const width = Math.max(20, (this.stream.columns ?? 100) - 1);
    this.stream.write(`\r\x1b[2K${text.length > width ? `${text.slice(0, width - 1)}…` : text}`);
    this.shown = true;
  }

  clear(): void {
    if (!this.shown) return;
    this.stream.write('\r\x1b[2K');
    this.shown = false;
  }
}
