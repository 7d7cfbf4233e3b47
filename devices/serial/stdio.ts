// The UART on the emulator's own terminal (`-serial stdio`, the default). On a TTY the terminal
// goes to raw mode so every key reaches the guest (Ctrl-C included) and QEMU's escapes apply:
// Ctrl-A x quits, Ctrl-A Ctrl-A sends Ctrl-A (see escape.ts). Piped input is passed through
// untouched. Output is written synchronously, so nothing is lost however the emulator exits.
import * as fs from 'node:fs';
import type { SerialBackend } from './backend.js';
import { ESCAPE_HELP, EscapeFilter } from './escape.js';

const sleepCell = new Int32Array(new SharedArrayBuffer(4));

/** Writes all of `data` to `fd`, retrying partial writes and EAGAIN (non-blocking pipes). */
export function writeAllSync(fd: number, data: Uint8Array): void {
  let off = 0;
  while (off < data.length) {
    try {
      off += fs.writeSync(fd, data, off, data.length - off);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EAGAIN') throw e;
      Atomics.wait(sleepCell, 0, 0, 1); // the reader is slow: wait a millisecond, try again
    }
  }
}

export interface StdioOptions {
  /** Called on Ctrl-A x. */
  onQuit: () => void;
  input?: NodeJS.ReadStream;
  outFd?: number;
}

export class StdioBackend implements SerialBackend {
  private readonly input: NodeJS.ReadStream;
  private readonly outFd: number;
  private readonly escapes: EscapeFilter | null;
  private rx: ((data: Uint8Array) => void) | null = null;
  private onBreak: (() => void) | undefined;
  private rawSet = false;
  private listening = false;
  private readonly onData = (chunk: Buffer) => this.deliver(chunk);
  private readonly restoreOnExit = () => this.restoreTerminal();

  constructor(private readonly opts: StdioOptions) {
    this.input = opts.input ?? process.stdin;
    this.outFd = opts.outFd ?? 1;
    this.escapes = this.input.isTTY ? new EscapeFilter() : null;
  }

  write(data: Uint8Array): void { writeAllSync(this.outFd, data); }

  setReceiver(rx: ((data: Uint8Array) => void) | null, onBreak?: () => void): void {
    this.rx = rx;
    this.onBreak = onBreak;
    if (rx && !this.listening) {
      this.listening = true;
      if (this.input.isTTY && typeof this.input.setRawMode === 'function') {
        this.input.setRawMode(true);
        this.rawSet = true;
        process.once('exit', this.restoreOnExit);
      }
      this.input.on('data', this.onData);
      this.input.resume();
    }
  }

  private deliver(chunk: Buffer): void {
    let data: Uint8Array = chunk;
    if (this.escapes) {
      const r = this.escapes.feed(chunk);
      data = r.data;
      for (const c of r.commands) {
        if (c === 'quit') { this.opts.onQuit(); return; }
        if (c === 'break') this.onBreak?.();
        if (c === 'help') this.write(new TextEncoder().encode(`\r\n${ESCAPE_HELP}`));
      }
    }
    if (data.length) this.rx?.(data);
  }

  private restoreTerminal(): void {
    if (this.rawSet) { this.input.setRawMode(false); this.rawSet = false; }
  }

  async close(): Promise<void> {
    if (this.listening) {
      this.input.off('data', this.onData);
      this.input.pause();
      this.listening = false;
    }
    this.restoreTerminal();
    process.off('exit', this.restoreOnExit);
  }
}
