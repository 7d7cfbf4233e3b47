// The core's log: every refusal (with its code and reason) and the counters --stats prints.
// The host may read it (it holds no VM data: page numbers and reasons only).

export interface LogEntry { code: string; reason: string }

export class CoreLog {
  /** The most recent refusals (bounded: a hostile guest can make millions). */
  readonly entries: LogEntry[] = [];
  refusals = 0;
  readonly counters = new Map<string, number>();
  private static readonly KEEP = 1000;

  refuse(code: string, reason: string): void {
    this.refusals++;
    this.count(`refused: ${code}`);
    if (this.entries.length >= CoreLog.KEEP) this.entries.splice(0, CoreLog.KEEP / 2);
    this.entries.push({ code, reason });
  }

  /** Counters kept in cells (counter()): hot paths count without a map update. */
  private readonly cells = new Map<string, { n: number }>();

  count(what: string, n = 1): void { this.counters.set(what, (this.counters.get(what) ?? 0) + n); }
  get(what: string): number { return (this.counters.get(what) ?? 0) + (this.cells.get(what)?.n ?? 0); }
  /** The cell of counter `what` (`cell.n++` counts; get() adds it in). */
  counter(what: string): { n: number } {
    let c = this.cells.get(what);
    if (!c) { c = { n: 0 }; this.cells.set(what, c); }
    return c;
  }
  last(): LogEntry | undefined { return this.entries[this.entries.length - 1]; }
}
