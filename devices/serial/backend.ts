// What a UART is connected to on the host side: bytes out (never dropped), bytes in (delivered
// to the receiver whenever the host has some).

export interface SerialBackend {
  /** Sends guest output to the host. Must not lose data: either write it out synchronously or
   *  keep it until close(). `data` is valid during the call only (the UART reuses its buffer):
   *  copy what is kept. */
  write(data: Uint8Array): void;
  /** Registers the function that receives host input (null to stop), and the one told when the
   *  host sends a break (stdio: Ctrl-A b). */
  setReceiver(rx: ((data: Uint8Array) => void) | null, onBreak?: () => void): void;
  /** Writes out everything buffered and releases the host resources (restores the terminal,
   *  closes files and sockets). Safe to call twice. */
  close(): Promise<void>;
}

/** Discards output, never produces input (`-serial none`). */
export class NullBackend implements SerialBackend {
  write(): void {}
  setReceiver(): void {}
  async close(): Promise<void> {}
}

/** Collects output in memory and lets the host inject input (tests, `--serial` capture). */
export class BufferBackend implements SerialBackend {
  private chunks: Uint8Array[] = [];
  private rx: ((data: Uint8Array) => void) | null = null;
  write(data: Uint8Array): void { this.chunks.push(data.slice()); }
  setReceiver(rx: ((data: Uint8Array) => void) | null): void { this.rx = rx; }
  /** Delivers `data` as if typed on the host. */
  inject(data: Uint8Array | string): void {
    this.rx?.(typeof data === 'string' ? new TextEncoder().encode(data) : data);
  }
  /** All output so far. */
  bytes(): Uint8Array {
    const n = this.chunks.reduce((a, c) => a + c.length, 0), out = new Uint8Array(n);
    let o = 0;
    for (const c of this.chunks) { out.set(c, o); o += c.length; }
    return out;
  }
  text(): string { return new TextDecoder().decode(this.bytes()); }
  async close(): Promise<void> {}
}
