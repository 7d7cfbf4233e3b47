// Split virtqueue, device side (virtio 1.2 §2.7): descriptor table, available ring (driver
// area) and used ring (device area) at guest-physical addresses the driver chose.
//
// Everything read from the rings is untrusted. Every problem — an address outside the DmaView,
// a chain longer than its table (a loop), a chain over 2^32 bytes, nested or malformed indirect
// tables, a writable buffer before a readable one, an avail index that jumps past the queue
// size — comes back as a QueueError value, never as an exception; the transport turns it into
// DEVICE_NEEDS_RESET. Descriptors are copied out of guest memory once, so the guest cannot change
// one between check and use.
import { type DmaView, NO_DMA } from './dma.js';

export const VIRTQ_DESC_F_NEXT = 1, VIRTQ_DESC_F_WRITE = 2, VIRTQ_DESC_F_INDIRECT = 4;
export const VIRTQ_AVAIL_F_NO_INTERRUPT = 1, VIRTQ_USED_F_NO_NOTIFY = 1;
/** Largest split queue size (the spec's limit; Queue Size is a power of 2 up to 32768). */
export const MAX_QUEUE_SIZE = 32768;
/** Largest indirect table we accept, in descriptors (bounds the copy a guest can make us do). */
export const MAX_INDIRECT = 1024;

/** A problem with what the driver put in a queue; the device must stop using the queue. */
export class QueueError {
  constructor(readonly message: string) {}
}

/** One guest buffer of a chain. */
export interface Buf { addr: number; len: number }

/** A popped descriptor chain: device-readable buffers, then device-writable ones. */
export interface Chain {
  head: number;
  readable: Buf[];
  writable: Buf[];
  readLen: number;
  writeLen: number;
}

/** Queue state as plain data (save/restore). */
export interface QueueState {
  size: number; ready: boolean; desc: number; driver: number; device: number;
  lastAvail: number; usedIdx: number; signalledUsed: number;
}

const hex = (v: number) => '0x' + v.toString(16);

export class Virtqueue {
  /** Queue Size chosen by the driver (QueueNum); starts at the maximum. */
  size: number;
  ready = false;
  /** Guest-physical addresses of the descriptor table, driver area, device area. */
  desc = 0; driver = 0; device = 0;
  /** Next avail ring slot to consume, next used index to publish (free-running u16). */
  lastAvail = 0; usedIdx = 0;
  /** Used index when we last decided about an interrupt. */
  signalledUsed = 0;
  /** Negotiated ring features, set by the transport at DRIVER_OK. */
  eventIdx = false; indirect = false;
  /** Whether writable buffers may precede readable ones (the spec forbids it; some devices
   *  may choose to cope). */
  allowWriteBeforeRead = false;
  private dma: DmaView = NO_DMA;

  constructor(readonly index: number, readonly maxSize: number) {
    this.size = maxSize;
  }

  /** Back to the reset state (transport reset, QueueReset). */
  reset(): void {
    this.size = this.maxSize; this.ready = false;
    this.desc = this.driver = this.device = 0;
    this.lastAvail = this.usedIdx = this.signalledUsed = 0;
    this.eventIdx = this.indirect = false;
    this.dma = NO_DMA;
  }

  /** Gives the queue the memory it may use (at activation). */
  attach(dma: DmaView): void { this.dma = dma; }

  private err(msg: string): QueueError { return new QueueError(`queue ${this.index}: ${msg}`); }

  /** Checks the driver's configuration: size, alignment, rings inside the view. */
  validate(): QueueError | null {
    const n = this.size;
    if (!(n >= 1 && n <= this.maxSize && (n & (n - 1)) === 0)) return this.err(`size ${n} is not a power of 2 up to ${this.maxSize}`);
    if (this.desc % 16 || this.driver % 2 || this.device % 4) return this.err('ring addresses misaligned (descriptors 16, driver area 2, device area 4)');
    // Rings sized with the event-idx words whether or not negotiated: the driver allocates them.
    if (!this.dma.check(this.desc, 16 * n)) return this.err(`descriptor table at ${hex(this.desc)} outside the memory the device may use`);
    if (!this.dma.check(this.driver, 6 + 2 * n)) return this.err(`driver area at ${hex(this.driver)} outside the memory the device may use`);
    if (!this.dma.check(this.device, 6 + 8 * n)) return this.err(`device area at ${hex(this.device)} outside the memory the device may use`);
    return null;
  }

  /** Number of chains the driver has made available and we have not popped, or an error. */
  pending(): number | QueueError {
    const idx = this.dma.u16(this.driver + 2);
    if (idx === null) return this.err('available ring unreadable');
    const n = (idx - this.lastAvail) & 0xffff;
    if (n > this.size) return this.err(`available index ${idx} is ${n} ahead of ${this.lastAvail}, more than the queue size ${this.size}`);
    return n;
  }

  /** Takes the next available chain: null when there is none. */
  pop(): Chain | QueueError | null {
    const n = this.pending();
    if (n === 0 || n instanceof QueueError) return n || null;
    const head = this.dma.u16(this.driver + 4 + 2 * (this.lastAvail % this.size));
    if (head === null) return this.err('available ring unreadable');
    if (head >= this.size) return this.err(`available ring names descriptor ${head}, queue size is ${this.size}`);
    const chain = this.walk(head);
    if (chain instanceof QueueError) return chain;
    this.lastAvail = (this.lastAvail + 1) & 0xffff;
    return chain;
  }

  /** Gives back the last popped chain (a device that found it cannot use it yet). */
  unpop(): void { this.lastAvail = (this.lastAvail - 1) & 0xffff; }

  private walk(head: number): Chain | QueueError {
    const c: Chain = { head, readable: [], writable: [], readLen: 0, writeLen: 0 };
    const dma = this.dma;
    // The current table: the ring's descriptor table (read per descriptor), or a copied
    // indirect table.
    let table: DataView | null = null;
    let tableLen = this.size, idx = head, count = 0;
    for (;;) {
      if (++count > tableLen) return this.err(`descriptor chain from ${head} is longer than its table of ${tableLen} (a loop?)`);
      let d: DataView;
      if (table) d = new DataView(table.buffer, table.byteOffset + 16 * idx, 16);
      else {
        const b = dma.read(this.desc + 16 * idx, 16);
        if (!b) return this.err(`descriptor ${idx} unreadable`);
        d = new DataView(b.buffer, b.byteOffset, 16);
      }
      const lo = d.getUint32(0, true), hi = d.getUint32(4, true);
      const len = d.getUint32(8, true), flags = d.getUint16(12, true), next = d.getUint16(14, true);
      const where = table ? `indirect descriptor ${idx}` : `descriptor ${idx}`;
      if (hi >= 0x200000) return this.err(`${where}: address above 2^53`);
      const addr = hi * 0x100000000 + lo;

      if (flags & VIRTQ_DESC_F_INDIRECT) {
        if (!this.indirect) return this.err(`${where}: indirect, but VIRTIO_F_INDIRECT_DESC was not negotiated`);
        if (table) return this.err(`${where}: indirect table inside an indirect table`);
        if (flags & VIRTQ_DESC_F_NEXT) return this.err(`${where}: indirect with NEXT set`);
        if (len === 0 || len % 16 || len / 16 > MAX_INDIRECT) return this.err(`${where}: indirect table length ${len} is not a multiple of 16 from 16 to ${16 * MAX_INDIRECT}`);
        const b = dma.read(addr, len);
        if (!b) return this.err(`${where}: indirect table at ${hex(addr)} outside the memory the device may use`);
        // The rest of the chain is the indirect table (§2.7.5.3.2: zero or more direct
        // descriptors followed by one indirect one).
        table = new DataView(b.buffer, b.byteOffset, len);
        tableLen = len / 16; idx = 0; count = 0;
        continue;
      }
      if (!dma.check(addr, len)) return this.err(`${where}: buffer ${hex(addr)}+${hex(len)} outside the memory the device may use`);
      if (c.readLen + c.writeLen + len > 0xffffffff) return this.err(`descriptor chain from ${head} is longer than 2^32 bytes`);
      if (flags & VIRTQ_DESC_F_WRITE) {
        c.writable.push({ addr, len }); c.writeLen += len;
      } else {
        if (c.writable.length && !this.allowWriteBeforeRead) return this.err(`${where}: device-readable buffer after a device-writable one`);
        c.readable.push({ addr, len }); c.readLen += len;
      }
      if (!(flags & VIRTQ_DESC_F_NEXT)) return c;
      if (next >= tableLen) return this.err(`${where}: next ${next} is outside its table of ${tableLen}`);
      idx = next;
    }
  }

  /** Publishes a used element: chain `head`, `len` bytes written by the device. */
  push(head: number, len: number): QueueError | null {
    const slot = this.device + 4 + 8 * (this.usedIdx % this.size);
    if (!this.dma.setU32(slot, head) || !this.dma.setU32(slot + 4, len)) return this.err('used ring unwritable');
    const next = (this.usedIdx + 1) & 0xffff;
    if (!this.dma.setU16(this.device + 2, next)) return this.err('used ring unwritable');
    this.usedIdx = next;
    return null;
  }

  /** Whether the used elements pushed since the last call deserve an interrupt: event-idx
   *  (the driver's used_event) or the NO_INTERRUPT flag. Unreadable rings say yes (the driver
   *  will find out). */
  needsInterrupt(): boolean {
    const now = this.usedIdx, old = this.signalledUsed;
    this.signalledUsed = now;
    if (now === old) return false;
    if (this.eventIdx) {
      const ev = this.dma.u16(this.driver + 4 + 2 * this.size);
      if (ev === null) return true;
      // vring_need_event: did the used index step over used_event since the last interrupt?
      return ((now - ev - 1) & 0xffff) < ((now - old) & 0xffff);
    }
    const flags = this.dma.u16(this.driver);
    return flags === null || !(flags & VIRTQ_AVAIL_F_NO_INTERRUPT);
  }

  /** Asks the driver not to notify (while the device is draining the queue anyway). */
  disableNotification(): void {
    if (this.eventIdx) return; // avail_event stays behind, so the driver will not notify
    this.dma.setU16(this.device, VIRTQ_USED_F_NO_NOTIFY);
  }

  /** Asks for a notification on the next available chain. Returns true if chains arrived
   *  meanwhile (the caller should keep popping rather than wait). `ahead`: chains already
   *  available that the device left there (too few for its need), so only a chain beyond them
   *  should notify. */
  enableNotification(ahead = 0): boolean {
    if (this.eventIdx) this.dma.setU16(this.device + 4 + 8 * this.size, (this.lastAvail + ahead) & 0xffff);
    else this.dma.setU16(this.device, 0);
    const n = this.pending();
    return n instanceof QueueError || n > ahead;
  }

  save(): QueueState {
    const { size, ready, desc, driver, device, lastAvail, usedIdx, signalledUsed } = this;
    return { size, ready, desc, driver, device, lastAvail, usedIdx, signalledUsed };
  }
  restore(s: QueueState): void {
    this.size = s.size; this.ready = s.ready; this.desc = s.desc; this.driver = s.driver; this.device = s.device;
    this.lastAvail = s.lastAvail; this.usedIdx = s.usedIdx; this.signalledUsed = s.signalledUsed;
  }
}

/** Gathers a chain's readable bytes (at most `max`), or null if memory went away. */
export function readChain(dma: DmaView, c: Chain, max = c.readLen): Uint8Array | null {
  const out = new Uint8Array(Math.min(max, c.readLen));
  let at = 0;
  for (const b of c.readable) {
    if (at >= out.length) break;
    const part = dma.read(b.addr, Math.min(b.len, out.length - at));
    if (!part) return null;
    out.set(part, at); at += part.length;
  }
  return out;
}

/** Scatters `data` into a chain's writable buffers; returns the bytes written (less than
 *  data.length if the buffers are too small), or -1 if memory went away. */
export function writeChain(dma: DmaView, c: Chain, data: Uint8Array): number {
  let at = 0;
  for (const b of c.writable) {
    if (at >= data.length) break;
    const n = Math.min(b.len, data.length - at);
    if (!dma.write(b.addr, data.subarray(at, at + n))) return -1;
    at += n;
  }
  return at;
}
