// Guest output gathered into one host write per event-loop turn instead of one per character.
// A UART hands its backend each character as the guest writes it (a Linux boot prints ~6.5 KB:
// thousands of write syscalls to the terminal or pipe). CoalescedSerial keeps the bytes and
// passes them on in one write:
//  - on the next event-loop turn (setImmediate). The scheduler yields to the event loop whenever
//    every CPU waits (WFI/WFE, e.g. a shell waiting for a key) and at least every `yieldMs` of a
//    busy run, so a typed character's echo goes out as soon as the guest is idle again;
//  - when the buffer is full (LIMIT bytes);
//  - in close(), at process exit (an internal error, process.exit), and on SIGTERM/SIGHUP (then
//    the signal is raised again, so the process still ends as that signal asks): only SIGKILL
//    loses what is held, at most one event-loop turn of output.
// A write error of a deferred flush (EPIPE: the reader went away) is kept and thrown by the next
// write() or close(), where a synchronous backend would have thrown it.
import type { SerialBackend } from './backend.js';

/** Bytes held before a flush is forced. */
const LIMIT = 64 * 1024;

/** The open ones, flushed by one process 'exit' listener (several VMs may share a process). */
const live = new Set<CoalescedSerial>();
function flushAllAtExit(): void {
  for (const c of live) { try { c.flush(); } catch { /* the reader is gone */ } }
}
const FATAL_SIGNALS = ['SIGTERM', 'SIGHUP'] as const;
function flushAndReraise(sig: NodeJS.Signals): void {
  flushAllAtExit();
  stopListening();
  process.kill(process.pid, sig); // no listener now: the default action ends the process
}
function startListening(): void {
  process.on('exit', flushAllAtExit);
  for (const s of FATAL_SIGNALS) process.on(s, flushAndReraise);
}
function stopListening(): void {
  process.off('exit', flushAllAtExit);
  for (const s of FATAL_SIGNALS) process.off(s, flushAndReraise);
}

export class CoalescedSerial implements SerialBackend {
  private readonly buf = Buffer.allocUnsafe(LIMIT);
  private len = 0;
  private scheduled = false;
  private failure: unknown;
  private closed = false;
  private readonly flushSoon = () => {
    this.scheduled = false;
    try { this.flush(); } catch (x) { this.failure ??= x; }
  };

  constructor(readonly inner: SerialBackend) {
    if (live.size === 0) startListening();
    live.add(this);
  }

  write(data: Uint8Array): void {
    this.rethrow();
    if (this.closed) { this.inner.write(data); return; }
    if (this.len + data.length > LIMIT) {
      this.flush();
      if (data.length > LIMIT) { this.inner.write(data); return; }
    }
    if (data.length === 1) this.buf[this.len++] = data[0];
    else { this.buf.set(data, this.len); this.len += data.length; }
    if (!this.scheduled) { this.scheduled = true; setImmediate(this.flushSoon); }
  }

  /** Passes everything held to the inner backend now. */
  flush(): void {
    if (this.len === 0) return;
    // A copy: the inner backend may keep what it is given (socket, buffer backends).
    const out = Uint8Array.prototype.slice.call(this.buf, 0, this.len);
    this.len = 0;
    this.inner.write(out);
  }

  setReceiver(rx: ((data: Uint8Array) => void) | null, onBreak?: () => void): void { this.inner.setReceiver(rx, onBreak); }

  async close(): Promise<void> {
    let failure = this.failure;
    this.failure = undefined;
    if (!this.closed) {
      this.closed = true;
      live.delete(this);
      if (live.size === 0) stopListening();
      try { this.flush(); } catch (x) { failure ??= x; }
    }
    await this.inner.close(); // (restores the terminal even when the last flush failed)
    if (failure !== undefined) throw failure;
  }

  private rethrow(): void {
    if (this.failure === undefined) return;
    const x = this.failure;
    this.failure = undefined;
    throw x;
  }
}
