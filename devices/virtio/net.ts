// virtio-net (network card, ID 1, virtio 1.2 §5.1) for Linux's virtio_net driver.
//
// Queues: 0 receiveq, 1 transmitq, 2 controlq (no multiqueue). Features offered:
//  - MAC: the address in config space (fixed by the host; config writes are ignored, as a
//    VERSION_1 driver must not write it);
//  - STATUS: link status in config space, changed with setLink() (config-change interrupt);
//  - MRG_RXBUF: a received frame may span several receive chains, num_buffers in the header;
//  - CTRL_VQ, CTRL_RX (promiscuous, all-multicast), CTRL_MAC_ADDR (address set), and the
//    MAC table of VIRTIO_NET_CTRL_MAC_TABLE_SET: frames are filtered on receive like QEMU does
//    (promiscuous until the driver says otherwise, then own/table unicast, broadcast, table or
//    all multicast);
//  - CSUM: a transmitted frame with VIRTIO_NET_HDR_F_NEEDS_CSUM gets its checksum completed
//    before it goes to the wire, so the guest is spared the work. GUEST_CSUM and every GSO/TSO
//    feature are not offered: received frames carry flags 0 (checksum not verified for the
//    guest), and a transmitted frame with a GSO type is dropped.
// The header is the 12-byte virtio_net_hdr_v1 (VERSION_1 is always negotiated here).
//
// Everything from the guest is untrusted: a queue error (bad descriptor, loop, address outside
// the DmaView) makes the device fail() (DEVICE_NEEDS_RESET); a malformed frame or control
// command is dropped / answered VIRTIO_NET_ERR and logged once per kind. Frames arriving from
// the backend wait in a short queue while the guest has no receive buffers, and are dropped
// (counted) beyond it.
import type { NetBackend } from '../net/backend.js';
import { ETH_HLEN, MAX_FRAME, formatMac, isGroupMac, macKey } from '../net/backend.js';
import { warnSink } from '../device.js';
import type { DmaView } from './dma.js';
import { type VirtioDevice, type VirtioSignal, VIRTIO_ID, bit } from './device.js';
import { type Chain, QueueError, type Virtqueue, readChain, writeChain } from './queue.js';

/** Feature bits (virtio 1.2 §5.1.3). */
export const NET_F = {
  CSUM: 0n, GUEST_CSUM: 1n, CTRL_GUEST_OFFLOADS: 2n, MTU: 3n, MAC: 5n, GUEST_TSO4: 7n, HOST_TSO4: 11n,
  MRG_RXBUF: 15n, STATUS: 16n, CTRL_VQ: 17n, CTRL_RX: 18n, CTRL_VLAN: 19n, GUEST_ANNOUNCE: 21n, MQ: 22n,
  CTRL_MAC_ADDR: 23n,
} as const;

export const NET_S_LINK_UP = 1;
export const NET_HDR_F_NEEDS_CSUM = 1, NET_HDR_F_DATA_VALID = 2;
export const NET_HDR_GSO_NONE = 0;
/** virtio_net_hdr_v1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
export const NET_HDR_LEN = 12;

/** Control queue classes and commands (§5.1.6.5). */
export const CTRL = {
  RX: 0, RX_PROMISC: 0, RX_ALLMULTI: 1,
  MAC: 1, MAC_TABLE_SET: 0, MAC_ADDR_SET: 1,
  OK: 0, ERR: 1,
} as const;

export const RX_Q = 0, TX_Q = 1, CTRL_Q = 2;
/** MAC table entries kept per kind; more set the overflow flag (accept that whole kind), as
 *  QEMU's MAC_TABLE_ENTRIES does. */
export const MAC_TABLE_ENTRIES = 64;
/** Largest control command we read (a full MAC table set is about 800 bytes). */
const MAX_CTRL = 4096;

export interface NetStats {
  txFrames: number; txBytes: number; txDropped: number;
  /** Transmitted frames whose checksum the device completed (NEEDS_CSUM). */
  txCsum: number;
  rxFrames: number; rxBytes: number;
  /** Dropped on receive: link down or driver not ready, filtered by MAC, queue overflow
   *  (no guest buffers for too long), too big for the guest's buffer. */
  rxDropNotReady: number; rxDropFiltered: number; rxDropOverflow: number; rxDropTooBig: number;
}

export interface VirtioNetOptions {
  mac: Uint8Array;
  backend: NetBackend;
  /** Distinguishes several NICs of one machine in names and saved state. */
  index?: number;
  queueSize?: number;
  /** Frames kept while the guest has no receive buffers (default 256). */
  rxBacklog?: number;
  linkUp?: boolean;
  /** Feature bits not to offer (tests: a driver without mergeable buffers...). */
  withhold?: bigint;
  /** Where the one-line messages go (default: the device warning sink). */
  log?: (msg: string) => void;
}

type RxResult = 'done' | 'nobuf' | 'failed';

export class VirtioNet implements VirtioDevice {
  readonly name: string;
  readonly deviceId = VIRTIO_ID.NET;
  readonly features: bigint;
  readonly queueMaxSizes: readonly number[];
  readonly stats: NetStats = {
    txFrames: 0, txBytes: 0, txDropped: 0, txCsum: 0, rxFrames: 0, rxBytes: 0,
    rxDropNotReady: 0, rxDropFiltered: 0, rxDropOverflow: 0, rxDropTooBig: 0,
  };
  private readonly backend: NetBackend;
  private readonly hwMac: Uint8Array;
  private readonly rxBacklog: number;
  private readonly log: (msg: string) => void;
  private readonly logged = new Set<string>();

  // Driver-visible state (reset by reset()).
  private mac: Uint8Array;
  private linkUp: boolean;
  private promisc = true;
  private allmulti = false;
  private uni = new Set<number>(); private multi = new Set<number>();
  private uniOverflow = false; private multiOverflow = false;

  // While active.
  private queues: readonly Virtqueue[] = [];
  private dma: DmaView | null = null;
  private signal: VirtioSignal | null = null;
  private negotiated = 0n;
  private pending: Uint8Array[] = [];

  constructor(opts: VirtioNetOptions) {
    this.name = opts.index === undefined ? 'virtio-net' : `virtio-net.${opts.index}`;
    if (opts.mac.length !== 6) throw new Error(`${this.name}: a MAC address has 6 bytes`);
    this.hwMac = opts.mac.slice();
    this.mac = this.hwMac.slice();
    this.backend = opts.backend;
    this.linkUp = opts.linkUp ?? true;
    this.rxBacklog = opts.rxBacklog ?? 256;
    this.log = opts.log ?? ((m) => warnSink(m));
    const qs = opts.queueSize ?? 256;
    this.queueMaxSizes = [qs, qs, 64];
    const offer = bit(NET_F.MAC) | bit(NET_F.STATUS) | bit(NET_F.MRG_RXBUF) | bit(NET_F.CTRL_VQ) | bit(NET_F.CTRL_RX)
      | bit(NET_F.CTRL_MAC_ADDR) | bit(NET_F.CSUM);
    this.features = offer & ~(opts.withhold ?? 0n);
    this.backend.setReceiver((f) => this.receive(f));
  }

  /** The address the NIC answers to now (the driver may change it). */
  get macAddress(): string { return formatMac(this.mac); }
  get link(): boolean { return this.linkUp; }
  /** Frames waiting for guest receive buffers. */
  get backlog(): number { return this.pending.length; }

  private has(f: bigint): boolean { return (this.negotiated & bit(f)) !== 0n; }
  private once(kind: string, msg: string): void {
    if (this.logged.has(kind)) return;
    this.logged.add(kind);
    this.log(`${this.name}: ${msg} (logged once)`);
  }

  // ----- config space: mac[6], status le16, max_virtqueue_pairs le16, mtu le16
  private configBytes(): Uint8Array {
    const c = new Uint8Array(12);
    c.set(this.mac, 0);
    c[6] = this.linkUp ? NET_S_LINK_UP : 0;
    c[8] = 1; // max_virtqueue_pairs (meaningful only with MQ)
    return c;
  }
  readConfig(offset: number, size: 1 | 2 | 4): number {
    const c = this.configBytes();
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (c[offset + i] ?? 0);
    return v;
  }
  writeConfig(): void { /* mac is read-only for a VERSION_1 driver; the rest is read-only */ }

  /** Link status as the guest sees it (config-change interrupt when it changes). */
  setLink(up: boolean): void {
    if (up === this.linkUp) return;
    this.linkUp = up;
    this.signal?.configChanged();
  }

  activate(queues: readonly Virtqueue[], dma: DmaView, signal: VirtioSignal, features: bigint): string | void {
    if (!queues[RX_Q].ready || !queues[TX_Q].ready) return 'receive and transmit queues must both be set up';
    if ((features & bit(NET_F.CTRL_VQ)) && !queues[CTRL_Q].ready) return 'control queue negotiated but not set up';
    this.queues = queues; this.dma = dma; this.signal = signal; this.negotiated = features;
    // Ask for a kick on the first receive buffer, and drain whatever the driver queued already.
    queues[RX_Q].enableNotification();
    if (queues[TX_Q].pending() !== 0) this.transmit();
  }

  queueNotify(q: number): void {
    if (q === RX_Q) this.flushRx();
    else if (q === TX_Q) this.transmit();
    else if (q === CTRL_Q && this.has(NET_F.CTRL_VQ)) this.control();
  }

  reset(): void {
    this.queues = []; this.dma = null; this.signal = null; this.negotiated = 0n; this.pending = [];
    this.mac = this.hwMac.slice();
    this.promisc = true; this.allmulti = false;
    this.uni.clear(); this.multi.clear(); this.uniOverflow = this.multiOverflow = false;
  }

  private get active(): boolean { return this.dma !== null; }

  private queueFailed(e: QueueError): void { this.signal?.fail(e.message); this.dma = null; }

  // ----- transmit

  private transmit(): void {
    const q = this.queues[TX_Q], dma = this.dma;
    if (!q || !dma) return;
    let any = false;
    for (;;) {
      const c = q.pop();
      if (c === null) { if (q.enableNotification()) continue; break; }
      if (c instanceof QueueError) { this.queueFailed(c); return; }
      const frame = this.txFrame(dma, c);
      if (frame === undefined) { this.signal?.fail(`transmit queue: buffer of chain ${c.head} no longer accessible`); this.dma = null; return; }
      const e = q.push(c.head, 0);
      if (e) { this.queueFailed(e); return; }
      any = true;
      if (frame === null) { this.stats.txDropped++; continue; }
      if (!this.linkUp) { this.stats.txDropped++; continue; }
      this.stats.txFrames++; this.stats.txBytes += frame.length;
      this.backend.send(frame);
      // A backend that loops frames straight back may have made the receive side fail.
      if (this.dma !== dma) return;
    }
    if (any) this.signal?.used(TX_Q);
  }

  /** The frame of a transmit chain, ready for the wire; null to drop it, undefined if guest
   *  memory went away. */
  private txFrame(dma: DmaView, c: Chain): Uint8Array | null | undefined {
    if (c.readLen < NET_HDR_LEN + ETH_HLEN) { this.once('tx-short', `transmit chain of ${c.readLen} bytes is shorter than header + Ethernet header; dropped`); return null; }
    if (c.readLen > NET_HDR_LEN + MAX_FRAME) { this.once('tx-long', `transmit chain of ${c.readLen} bytes is longer than the largest frame; dropped`); return null; }
    const data = readChain(dma, c);
    if (!data) return undefined;
    const h = new DataView(data.buffer, data.byteOffset, NET_HDR_LEN);
    const flags = h.getUint8(0), gso = h.getUint8(1);
    const frame = data.subarray(NET_HDR_LEN);
    if (gso !== NET_HDR_GSO_NONE) { this.once('tx-gso', `transmit with GSO type ${gso}, which was not negotiated; dropped`); return null; }
    if (flags & NET_HDR_F_NEEDS_CSUM) {
      const start = h.getUint16(6, true), off = h.getUint16(8, true);
      if (start + off + 2 > frame.length) { this.once('tx-csum', `NEEDS_CSUM with csum_start ${start} + csum_offset ${off} past the ${frame.length}-byte frame; dropped`); return null; }
      completeChecksum(frame, start, off);
      this.stats.txCsum++;
    }
    return frame;
  }

  // ----- receive

  /** A frame from the wire. */
  private receive(frame: Uint8Array): void {
    if (!this.active || !this.linkUp || frame.length < ETH_HLEN) { this.stats.rxDropNotReady++; return; }
    if (!this.accepts(frame)) { this.stats.rxDropFiltered++; return; }
    if (this.pending.length >= this.rxBacklog) { this.stats.rxDropOverflow++; return; }
    this.pending.push(frame);
    this.flushRx();
  }

  /** The receive filter (QEMU's receive_filter, without VLANs). */
  private accepts(f: Uint8Array): boolean {
    if (this.promisc) return true;
    const k = macKey(f, 0);
    if (isGroupMac(f, 0)) {
      if (k === 0xffffffffffff) return true;
      return this.allmulti || this.multiOverflow || this.multi.has(k);
    }
    return k === macKey(this.mac) || this.uniOverflow || this.uni.has(k);
  }

  private flushRx(): void {
    const q = this.queues[RX_Q];
    if (!q || !this.active) return;
    let any = false;
    while (this.pending.length) {
      const r = this.deliver(q, this.pending[0]);
      if (r === 'failed') return;
      if (r === 'nobuf') break;
      this.pending.shift();
      any = true;
    }
    if (any) this.signal?.used(RX_Q);
  }

  /** Writes one frame into receive chains. */
  private deliver(q: Virtqueue, frame: Uint8Array): RxResult {
    const dma = this.dma!;
    const total = NET_HDR_LEN + frame.length;
    const mergeable = this.has(NET_F.MRG_RXBUF);
    const chains: Chain[] = [];
    let room = 0;
    while (room < total) {
      const c = q.pop();
      if (c instanceof QueueError) { this.queueFailed(c); return 'failed'; }
      if (c === null) {
        // Not enough buffers yet: give back what we took, and ask for a kick on the next one.
        // (The driver cannot add buffers meanwhile: it runs only between our calls.)
        for (let i = 0; i < chains.length; i++) q.unpop();
        q.enableNotification(chains.length);
        return 'nobuf';
      }
      if (c.writeLen === 0) { this.queueFailed(new QueueError(`queue 0: receive chain ${c.head} has no device-writable buffer`)); return 'failed'; }
      chains.push(c); room += c.writeLen;
      if (!mergeable) break;
    }
    if (room < total) {
      // Without mergeable buffers one chain must hold the whole frame; keep it for a smaller one.
      q.unpop();
      this.stats.rxDropTooBig++;
      this.once('rx-big', `a ${frame.length}-byte frame does not fit the guest's ${room}-byte receive buffer; dropped`);
      return 'done';
    }
    const pkt = new Uint8Array(total);
    // Header: flags 0, GSO none, num_buffers (1 without MRG_RXBUF, as §5.1.6.3.2 requires).
    pkt[10] = chains.length & 0xff; pkt[11] = chains.length >> 8;
    pkt.set(frame, NET_HDR_LEN);
    let at = 0;
    for (const c of chains) {
      const part = pkt.subarray(at, Math.min(total, at + c.writeLen));
      const n = writeChain(dma, c, part);
      if (n < 0) { this.queueFailed(new QueueError(`queue 0: buffer of chain ${c.head} no longer accessible`)); return 'failed'; }
      const e = q.push(c.head, n);
      if (e) { this.queueFailed(e); return 'failed'; }
      at += n;
    }
    this.stats.rxFrames++; this.stats.rxBytes += frame.length;
    return 'done';
  }

  // ----- control queue

  private control(): void {
    const q = this.queues[CTRL_Q], dma = this.dma;
    if (!q || !dma) return;
    let any = false;
    for (;;) {
      const c = q.pop();
      if (c === null) { if (q.enableNotification()) continue; break; }
      if (c instanceof QueueError) { this.queueFailed(c); return; }
      if (c.writeLen < 1) { this.queueFailed(new QueueError(`queue 2: control command ${c.head} has no writable ack byte`)); return; }
      const cmd = readChain(dma, c, MAX_CTRL);
      if (!cmd) { this.queueFailed(new QueueError(`queue 2: buffer of chain ${c.head} no longer accessible`)); return; }
      const ack = c.readLen > MAX_CTRL ? this.refuse('ctrl-long', `control command of ${c.readLen} bytes`) : this.command(cmd);
      if (writeChain(dma, c, new Uint8Array([ack])) < 0) { this.queueFailed(new QueueError(`queue 2: ack of chain ${c.head} not writable`)); return; }
      const e = q.push(c.head, 1);
      if (e) { this.queueFailed(e); return; }
      any = true;
    }
    if (any) this.signal?.used(CTRL_Q);
  }

  private refuse(kind: string, what: string): number {
    this.once(kind, `${what} refused (VIRTIO_NET_ERR)`);
    return CTRL.ERR;
  }

  /** Runs one control command (class, command, data); returns the ack. */
  private command(b: Uint8Array): number {
    if (b.length < 2) return this.refuse('ctrl-short', 'control command shorter than its class and command bytes');
    const cls = b[0], cmd = b[1], data = b.subarray(2);
    if (cls === CTRL.RX && this.has(NET_F.CTRL_RX) && (cmd === CTRL.RX_PROMISC || cmd === CTRL.RX_ALLMULTI)) {
      if (data.length < 1) return this.refuse('ctrl-rx', 'receive-mode command without its on/off byte');
      if (cmd === CTRL.RX_PROMISC) this.promisc = data[0] !== 0; else this.allmulti = data[0] !== 0;
      return CTRL.OK;
    }
    if (cls === CTRL.MAC && cmd === CTRL.MAC_ADDR_SET && this.has(NET_F.CTRL_MAC_ADDR)) {
      if (data.length < 6) return this.refuse('ctrl-mac', 'MAC_ADDR_SET with fewer than 6 bytes');
      this.mac = data.slice(0, 6);
      return CTRL.OK;
    }
    if (cls === CTRL.MAC && cmd === CTRL.MAC_TABLE_SET && this.has(NET_F.CTRL_RX)) return this.macTable(data);
    return this.refuse(`ctrl-${cls}-${cmd}`, `control class ${cls} command ${cmd} (not supported or not negotiated)`);
  }

  /** VIRTIO_NET_CTRL_MAC_TABLE_SET: { le32 entries; u8 macs[entries][6] } unicast, then
   *  the same for multicast. Both tables are replaced together or not at all. */
  private macTable(d: Uint8Array): number {
    const dv = new DataView(d.buffer, d.byteOffset, d.byteLength);
    const table = (at: number): { keys: Set<number>; overflow: boolean; end: number } | null => {
      if (at + 4 > d.length) return null;
      const n = dv.getUint32(at, true);
      if (n > (d.length - at - 4) / 6) return null;
      const keys = new Set<number>();
      for (let i = 0; i < n && i < MAC_TABLE_ENTRIES; i++) keys.add(macKey(d, at + 4 + 6 * i));
      return { keys, overflow: n > MAC_TABLE_ENTRIES, end: at + 4 + 6 * n };
    };
    const u = table(0), m = u && table(u.end);
    if (!u || !m) return this.refuse('ctrl-table', 'MAC_TABLE_SET with entry counts past the command');
    this.uni = u.keys; this.uniOverflow = u.overflow;
    this.multi = m.keys; this.multiOverflow = m.overflow;
    return CTRL.OK;
  }

  // ----- state

  save(): unknown {
    const hexes = (s: Set<number>) => [...s].map((k) => k.toString(16));
    return {
      mac: formatMac(this.mac), linkUp: this.linkUp, promisc: this.promisc, allmulti: this.allmulti,
      uni: hexes(this.uni), multi: hexes(this.multi), uniOverflow: this.uniOverflow, multiOverflow: this.multiOverflow,
      stats: { ...this.stats },
    };
  }

  restore(state: unknown): void {
    const s = state as Record<string, any>;
    this.mac = new Uint8Array(String(s.mac).split(':').map((h) => parseInt(h, 16)));
    this.linkUp = !!s.linkUp; this.promisc = !!s.promisc; this.allmulti = !!s.allmulti;
    this.uni = new Set((s.uni as string[]).map((h) => parseInt(h, 16)));
    this.multi = new Set((s.multi as string[]).map((h) => parseInt(h, 16)));
    this.uniOverflow = !!s.uniOverflow; this.multiOverflow = !!s.multiOverflow;
    Object.assign(this.stats, s.stats);
    // Inactive until the transport re-activates it with the restored queues.
    this.queues = []; this.dma = null; this.signal = null; this.negotiated = 0n; this.pending = [];
  }
}

/** Completes a partial checksum (VIRTIO_NET_HDR_F_NEEDS_CSUM): the Internet checksum (RFC 1071)
 *  of frame[start..] — whose checksum field holds the pseudo-header sum the driver put there —
 *  stored big-endian at start + offset. */
export function completeChecksum(frame: Uint8Array, start: number, offset: number): void {
  let sum = 0;
  const end = frame.length;
  let i = start;
  for (; i + 1 < end; i += 2) sum += (frame[i] << 8) | frame[i + 1];
  if (i < end) sum += frame[i] << 8;
  while (sum > 0xffff) sum = (sum & 0xffff) + Math.floor(sum / 0x10000);
  const c = ~sum & 0xffff;
  frame[start + offset] = c >> 8;
  frame[start + offset + 1] = c & 0xff;
}
