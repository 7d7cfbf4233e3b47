// virtio-rng (entropy device, ID 4, virtio 1.2 §5.4): one request queue; the device fills each
// chain's writable buffers with random bytes. No features, no config space. It is the smallest
// real device, so it proves the transport and queue library end to end (Linux: hw_random
// virtio-rng).
import { randomFillSync } from 'node:crypto';
import type { DmaView } from './dma.js';
import { type VirtioDevice, type VirtioSignal, VIRTIO_ID } from './device.js';
import { QueueError, type Virtqueue, writeChain } from './queue.js';

export interface VirtioRngOptions {
  /** Entropy source (tests pass a deterministic one). */
  fill?: (buf: Uint8Array) => void;
  queueSize?: number;
  /** Bytes served per request at most (a guest asking for 4 GiB gets this much). */
  maxRequest?: number;
}

export class VirtioRng implements VirtioDevice {
  readonly name = 'virtio-rng';
  readonly deviceId = VIRTIO_ID.RNG;
  readonly features = 0n;
  readonly queueMaxSizes: readonly number[];
  private fill: (buf: Uint8Array) => void;
  private maxRequest: number;
  private q: Virtqueue | null = null;
  private dma: DmaView | null = null;
  private signal: VirtioSignal | null = null;

  constructor(opts: VirtioRngOptions = {}) {
    this.fill = opts.fill ?? ((b) => { randomFillSync(b); });
    this.queueMaxSizes = [opts.queueSize ?? 256];
    this.maxRequest = opts.maxRequest ?? 65536;
  }

  readConfig(): number { return 0; }
  writeConfig(): void {}

  activate(queues: readonly Virtqueue[], dma: DmaView, signal: VirtioSignal): string | void {
    if (!queues[0].ready) return 'request queue not set up';
    this.q = queues[0]; this.dma = dma; this.signal = signal;
  }

  queueNotify(): void {
    const q = this.q, dma = this.dma, signal = this.signal;
    if (!q || !dma || !signal) return;
    for (;;) {
      const c = q.pop();
      if (c === null) break;
      if (c instanceof QueueError) { signal.fail(c.message); return; }
      // Readable buffers in a request mean nothing to this device; they are ignored.
      const data = new Uint8Array(Math.min(c.writeLen, this.maxRequest));
      this.fill(data);
      const n = writeChain(dma, c, data);
      if (n < 0) { signal.fail(`queue 0: buffer of chain ${c.head} no longer accessible`); return; }
      const e = q.push(c.head, n);
      if (e) { signal.fail(e.message); return; }
    }
    signal.used(0);
  }

  reset(): void { this.q = null; this.dma = null; this.signal = null; }
  save(): unknown { return null; }
  restore(): void {}
}
