// virtio-console (ID 3, virtio 1.2 §5.3), one port, no MULTIPORT: queue 0 receiveq (host →
// guest), queue 1 transmitq (guest → host), on a serial backend (devices/serial). Linux makes
// the port a console, hvc0 (CONFIG_VIRTIO_CONSOLE).
//
// Offered: EMERG_WRITE (a byte written to config emerg_wr goes out at once, usable before the
// queues exist). Not offered: SIZE (no terminal size to report), MULTIPORT.
// Transmit: every chain's readable bytes go to the backend in order (writable buffers in a
// transmit chain are ignored). Receive: host input fills the guest's receive buffers; while it
// has none, input waits (up to `inputBacklog` bytes, the rest is dropped and counted) — a
// guest that has not set up its console yet loses nothing typed within that. A queue error is
// DEVICE_NEEDS_RESET, as for every device.
import type { SerialBackend } from '../serial/backend.js';
import type { DmaView } from './dma.js';
import { type VirtioDevice, type VirtioSignal, VIRTIO_ID, bit } from './device.js';
import { type Chain, QueueError, type Virtqueue, writeChain } from './queue.js';

export const CONSOLE_F = { SIZE: 0n, MULTIPORT: 1n, EMERG_WRITE: 2n } as const;
export const CONSOLE_RX_Q = 0, CONSOLE_TX_Q = 1;
/** Config space: cols le16, rows le16, max_nr_ports le32, emerg_wr le32. */
export const CONSOLE_CONFIG = { COLS: 0, ROWS: 2, MAX_NR_PORTS: 4, EMERG_WR: 8, SIZE: 12 } as const;

/** Largest piece of a transmit chain copied at once. */
const TX_PIECE = 65536;

export interface VirtioConsoleOptions {
  backend: SerialBackend;
  queueSize?: number;
  /** Host input kept while the guest has no receive buffers (default 64 KiB). */
  inputBacklog?: number;
}

export interface ConsoleStats { txBytes: number; rxBytes: number; rxDropped: number; emergBytes: number }

export class VirtioConsole implements VirtioDevice {
  readonly name = 'virtio-console';
  readonly deviceId = VIRTIO_ID.CONSOLE;
  readonly features = bit(CONSOLE_F.EMERG_WRITE);
  readonly queueMaxSizes: readonly number[];
  readonly stats: ConsoleStats = { txBytes: 0, rxBytes: 0, rxDropped: 0, emergBytes: 0 };
  private readonly backend: SerialBackend;
  private readonly inputBacklog: number;
  private queues: readonly Virtqueue[] = [];
  private dma: DmaView | null = null;
  private signal: VirtioSignal | null = null;
  /** Host input not yet in a guest buffer. */
  private input: Uint8Array[] = [];
  private inputLen = 0;

  constructor(opts: VirtioConsoleOptions) {
    this.backend = opts.backend;
    const qs = opts.queueSize ?? 128;
    this.queueMaxSizes = [qs, qs];
    this.inputBacklog = opts.inputBacklog ?? 65536;
    this.backend.setReceiver((d) => this.hostInput(d));
  }

  readConfig(offset: number, size: 1 | 2 | 4): number {
    // max_nr_ports reads 1 (meaningful only with MULTIPORT); cols, rows and emerg_wr read 0.
    const c = new Uint8Array(CONSOLE_CONFIG.SIZE);
    c[CONSOLE_CONFIG.MAX_NR_PORTS] = 1;
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (c[offset + i] ?? 0);
    return v;
  }

  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    // emerg_wr: the low byte is one character to output (§5.3.4); the feature must have been
    // negotiated, but a driver writes it before FEATURES_OK is known to us, so it is not checked.
    if (offset === CONSOLE_CONFIG.EMERG_WR && size === 4) {
      this.stats.emergBytes++;
      this.backend.write(new Uint8Array([value & 0xff]));
    }
  }

  activate(queues: readonly Virtqueue[], dma: DmaView, signal: VirtioSignal): string | void {
    if (!queues[CONSOLE_RX_Q].ready || !queues[CONSOLE_TX_Q].ready) return 'receive and transmit queues must both be set up';
    this.queues = queues; this.dma = dma; this.signal = signal;
    queues[CONSOLE_RX_Q].enableNotification();
    this.transmit();
    this.flushInput();
  }

  queueNotify(q: number): void {
    if (q === CONSOLE_TX_Q) this.transmit();
    else if (q === CONSOLE_RX_Q) this.flushInput();
  }

  reset(): void {
    this.queues = []; this.dma = null; this.signal = null;
  }

  private failQueue(e: QueueError): void { this.signal?.fail(e.message); this.dma = null; }

  private transmit(): void {
    const q = this.queues[CONSOLE_TX_Q], dma = this.dma;
    if (!q || !dma) return;
    let any = false;
    for (;;) {
      const c: Chain | QueueError | null = q.pop();
      if (c === null) { if (q.enableNotification()) continue; break; }
      if (c instanceof QueueError) { this.failQueue(c); return; }
      // In pieces: a chain may name up to 4 GiB (the same buffer many times).
      for (const b of c.readable) {
        for (let at = 0; at < b.len; at += TX_PIECE) {
          const data = dma.read(b.addr + at, Math.min(TX_PIECE, b.len - at));
          if (!data) { this.failQueue(new QueueError(`queue 1: buffer of chain ${c.head} no longer accessible`)); return; }
          this.stats.txBytes += data.length;
          this.backend.write(data);
        }
      }
      const e = q.push(c.head, 0);
      if (e) { this.failQueue(e); return; }
      any = true;
    }
    if (any) this.signal?.used(CONSOLE_TX_Q);
  }

  private hostInput(d: Uint8Array): void {
    const room = this.inputBacklog - this.inputLen;
    if (d.length > room) this.stats.rxDropped += d.length - Math.max(room, 0);
    if (room > 0) { const part = d.slice(0, room); this.input.push(part); this.inputLen += part.length; }
    this.flushInput();
  }

  /** Moves waiting host input into receive buffers, one chain after another. */
  private flushInput(): void {
    const q = this.queues[CONSOLE_RX_Q], dma = this.dma;
    if (!q || !dma || !this.inputLen) return;
    let any = false;
    while (this.inputLen) {
      const c = q.pop();
      if (c === null) { if (q.enableNotification()) continue; break; }
      if (c instanceof QueueError) { this.failQueue(c); return; }
      const all = this.input.length === 1 ? this.input[0] : concat(this.input, this.inputLen);
      const chunk = all.subarray(0, Math.min(all.length, c.writeLen));
      const n = writeChain(dma, c, chunk);
      if (n < 0) { this.failQueue(new QueueError(`queue 0: buffer of chain ${c.head} no longer accessible`)); return; }
      const e = q.push(c.head, n);
      if (e) { this.failQueue(e); return; }
      any = true;
      this.stats.rxBytes += n;
      const rest = all.subarray(n);
      this.input = rest.length ? [rest] : [];
      this.inputLen = rest.length;
    }
    if (any) this.signal?.used(CONSOLE_RX_Q);
  }

  save(): unknown {
    return { input: Buffer.from(concat(this.input, this.inputLen)).toString('base64'), stats: { ...this.stats } };
  }

  restore(state: unknown): void {
    const s = (state ?? {}) as { input?: string; stats?: ConsoleStats };
    const input = new Uint8Array(Buffer.from(s.input ?? '', 'base64'));
    this.input = input.length ? [input] : []; this.inputLen = input.length;
    if (s.stats) Object.assign(this.stats, s.stats);
    this.queues = []; this.dma = null; this.signal = null;
  }
}

function concat(parts: Uint8Array[], len: number): Uint8Array {
  const out = new Uint8Array(len);
  let at = 0;
  for (const p of parts) { out.set(p, at); at += p.length; }
  return out;
}
