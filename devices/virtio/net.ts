// virtio-net (network card, ID 1, virtio 1.2 §5.1) for Linux's virtio_net driver.
//
// Queues: 0 receiveq, 1 transmitq, 2 controlq (no multiqueue). Features offered:
//  - MAC: the address in config space (fixed by the host; config writes are ignored, as a
//    VERSION_1 driver must not write it);
//  - STATUS: link status in config space (config-change interrupt when it changes): up while
//    the backend has a carrier (a stream socket with its peer connected; backends without the
//    notion always have one) and the host has not set it down with setLink(false);
//  - MRG_RXBUF: a received frame may span several receive chains, num_buffers in the header;
//  - CTRL_VQ, CTRL_RX (promiscuous, all-multicast), CTRL_MAC_ADDR (address set), and the
//    MAC table of VIRTIO_NET_CTRL_MAC_TABLE_SET: frames are filtered on receive like QEMU does
//    (promiscuous until the driver says otherwise, then own/table unicast, broadcast, table or
//    all multicast);
//  - CSUM, HOST_TSO4/6, HOST_ECN: a transmitted frame may leave its transport checksum to us
//    (VIRTIO_NET_HDR_F_NEEDS_CSUM) and be a TCP segment of up to 64 KiB (gso_type TCPV4/TCPV6,
//    gso_size = MSS, ECN: CWR set for the burst). To a backend that carries offload metadata
//    (the in-process switch) it goes as it is, with a FrameMeta; to any other it goes as the
//    wire frames a real NIC would send (devices/net/offload.ts: segmented, checksums completed).
//  - GUEST_CSUM, GUEST_TSO4/6, GUEST_ECN: a received unfinished frame reaches a guest that
//    negotiated them as it is (NEEDS_CSUM with csum_start/offset, gso_type, gso_size, hdr_len),
//    otherwise finished in software first; a finished frame whose TCP/UDP checksum we verified
//    (or computed) is marked DATA_VALID, so the guest does not check it again.
//    (Feature dependencies, virtio 1.2 §5.1.3.1: GUEST_TSO needs GUEST_CSUM, HOST_TSO needs
//    CSUM; a driver that breaks them is given no GSO frames, and the GSO frames it sends are
//    dropped.)
//  - CTRL_GUEST_OFFLOADS (§5.1.6.5.6): the driver switches those receive offloads off and on
//    again (Linux: `ethtool -K eth0 gro-hw off`, XDP); what is off is finished in software
//    before delivery, exactly as for a driver that never negotiated it.
// The header is the 12-byte virtio_net_hdr_v1 with a modern (VERSION_1) driver; a legacy driver
// gets the 10-byte virtio_net_hdr, or the 12-byte virtio_net_hdr_mrg_rxbuf when it negotiated
// MRG_RXBUF (§5.1.6 "Legacy Interface: Device Operation").
//
// Everything from the guest is untrusted: a queue error (bad descriptor, loop, address outside
// the DmaView) makes the device fail() (DEVICE_NEEDS_RESET); a malformed frame or control
// command is dropped / answered VIRTIO_NET_ERR and logged once per kind. Frames arriving from
// the backend wait in a short queue while the guest has no receive buffers, and are dropped
// (counted) beyond it.
import type { NetBackend } from '../net/backend.js';
import { ETH_HLEN, MAX_FRAME, formatMac, isGroupMac, macKey } from '../net/backend.js';
import { type FrameMeta, checkMeta, completeChecksum, l4ChecksumOk, toWire, unfinished } from '../net/offload.js';
import { warnSink } from '../device.js';
import type { DmaView } from './dma.js';
import { type VirtioDevice, type VirtioSignal, VIRTIO_F_VERSION_1, VIRTIO_ID, bit } from './device.js';
import { type Chain, QueueError, type Virtqueue, readChain, writeChain } from './queue.js';

/** Feature bits (virtio 1.2 §5.1.3). */
export const NET_F = {
  CSUM: 0n, GUEST_CSUM: 1n, CTRL_GUEST_OFFLOADS: 2n, MTU: 3n, MAC: 5n, GUEST_TSO4: 7n, GUEST_TSO6: 8n,
  GUEST_ECN: 9n, GUEST_UFO: 10n, HOST_TSO4: 11n, HOST_TSO6: 12n, HOST_ECN: 13n,
  MRG_RXBUF: 15n, STATUS: 16n, CTRL_VQ: 17n, CTRL_RX: 18n, CTRL_VLAN: 19n, GUEST_ANNOUNCE: 21n, MQ: 22n,
  CTRL_MAC_ADDR: 23n,
} as const;

export const NET_S_LINK_UP = 1;
export const NET_HDR_F_NEEDS_CSUM = 1, NET_HDR_F_DATA_VALID = 2;
export const NET_HDR_GSO_NONE = 0, NET_HDR_GSO_TCPV4 = 1, NET_HDR_GSO_TCPV6 = 4, NET_HDR_GSO_ECN = 0x80;
/** virtio_net_hdr_v1: flags, gso_type, hdr_len, gso_size, csum_start, csum_offset, num_buffers. */
export const NET_HDR_LEN = 12;
/** The legacy virtio_net_hdr (no num_buffers), used without VERSION_1 and MRG_RXBUF. */
export const NET_HDR_LEN_LEGACY = 10;

/** Control queue classes and commands (§5.1.6.5). */
export const CTRL = {
  RX: 0, RX_PROMISC: 0, RX_ALLMULTI: 1,
  MAC: 1, MAC_TABLE_SET: 0, MAC_ADDR_SET: 1,
  GUEST_OFFLOADS: 5, GUEST_OFFLOADS_SET: 0,
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
  /** Transmitted frames whose checksum the guest left to the device (NEEDS_CSUM). */
  txCsum: number;
  /** Transmitted GSO frames (large TCP segments), and the wire segments this NIC cut from them
   *  for a backend without offload metadata. */
  txGso: number; txSegments: number;
  rxFrames: number; rxBytes: number;
  /** Received frames handed to the guest whole as GSO frames; frames marked DATA_VALID. */
  rxGso: number; rxDataValid: number;
  /** Dropped on receive: link down or driver not ready, filtered by MAC, queue overflow
   *  (no guest buffers for too long), too big for the guest's buffer, offload metadata that
   *  does not fit the frame. */
  rxDropNotReady: number; rxDropFiltered: number; rxDropOverflow: number; rxDropTooBig: number; rxDropBadMeta: number;
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

/** The offload features (benchmarks withhold them process-wide via netDefaults). */
export const OFFLOAD_FEATURES = bit(NET_F.HOST_TSO4) | bit(NET_F.HOST_TSO6) | bit(NET_F.HOST_ECN)
  | bit(NET_F.GUEST_CSUM) | bit(NET_F.GUEST_TSO4) | bit(NET_F.GUEST_TSO6) | bit(NET_F.GUEST_ECN);
/** The receive offloads CTRL_GUEST_OFFLOADS switches (bit numbers as the feature bits). */
export const GUEST_OFFLOAD_FEATURES = bit(NET_F.GUEST_CSUM) | bit(NET_F.GUEST_TSO4) | bit(NET_F.GUEST_TSO6) | bit(NET_F.GUEST_ECN);
/** Defaults for NICs created without the option (process-wide; benchmarks, tests). */
export const netDefaults: { withhold: bigint } = { withhold: 0n };

type RxResult = 'done' | 'nobuf' | 'failed';

/** A frame waiting for receive buffers, with the first 10 bytes of its virtio_net_hdr (flags,
 *  gso_type, hdr_len, gso_size, csum_start, csum_offset; num_buffers is filled in on delivery). */
interface RxItem { frame: Uint8Array; hdr: Uint8Array }

export class VirtioNet implements VirtioDevice {
  readonly name: string;
  readonly deviceId = VIRTIO_ID.NET;
  readonly features: bigint;
  readonly queueMaxSizes: readonly number[];
  readonly stats: NetStats = {
    txFrames: 0, txBytes: 0, txDropped: 0, txCsum: 0, txGso: 0, txSegments: 0, rxFrames: 0, rxBytes: 0,
    rxGso: 0, rxDataValid: 0, rxDropNotReady: 0, rxDropFiltered: 0, rxDropOverflow: 0, rxDropTooBig: 0, rxDropBadMeta: 0,
  };
  private readonly backend: NetBackend;
  private readonly hwMac: Uint8Array;
  private readonly rxBacklog: number;
  private readonly log: (msg: string) => void;
  private readonly logged = new Set<string>();

  // Driver-visible state (reset by reset()).
  private mac: Uint8Array;
  /** Link as the host sets it (setLink), and the backend's carrier; the guest sees both up. */
  private linkUp: boolean;
  private carrier = true;
  /** Receive offloads in force (CTRL_GUEST_OFFLOADS); null until the first activation after a
   *  reset, which enables every negotiated one. */
  private guestOffloads: bigint | null = null;
  private promisc = true;
  private allmulti = false;
  private uni = new Set<number>(); private multi = new Set<number>();
  private uniOverflow = false; private multiOverflow = false;

  // While active.
  private queues: readonly Virtqueue[] = [];
  private dma: DmaView | null = null;
  private signal: VirtioSignal | null = null;
  private negotiated = 0n;
  private pending: RxItem[] = [];
  /** virtio_net_hdr length in use (12, or 10 for a legacy driver without MRG_RXBUF). */
  private hdrLen = NET_HDR_LEN;

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
      | bit(NET_F.CTRL_MAC_ADDR) | bit(NET_F.CSUM) | bit(NET_F.HOST_TSO4) | bit(NET_F.HOST_TSO6) | bit(NET_F.HOST_ECN)
      | bit(NET_F.GUEST_CSUM) | bit(NET_F.GUEST_TSO4) | bit(NET_F.GUEST_TSO6) | bit(NET_F.GUEST_ECN)
      | bit(NET_F.CTRL_GUEST_OFFLOADS);
    this.features = offer & ~(opts.withhold ?? netDefaults.withhold);
    this.backend.setReceiver((f, meta) => this.receive(f, meta), { meta: true, carrier: (up) => this.setCarrier(up) });
  }

  /** The address the NIC answers to now (the driver may change it). */
  get macAddress(): string { return formatMac(this.mac); }
  /** The link as the guest sees it. */
  get link(): boolean { return this.linkUp && this.carrier; }
  /** Receive offloads in force (feature bits), as CTRL_GUEST_OFFLOADS left them. */
  get rxOffloads(): bigint { return this.guestOffloads ?? (this.negotiated & GUEST_OFFLOAD_FEATURES); }
  /** Frames waiting for guest receive buffers. */
  get backlog(): number { return this.pending.length; }

  private has(f: bigint): boolean { return (this.negotiated & bit(f)) !== 0n; }
  /** A receive offload negotiated and not switched off by the driver. */
  private rxOffload(f: bigint): boolean { return this.has(f) && (this.rxOffloads & bit(f)) !== 0n; }
  private once(kind: string, msg: string): void {
    if (this.logged.has(kind)) return;
    this.logged.add(kind);
    this.log(`${this.name}: ${msg} (logged once)`);
  }

  // ----- config space: mac[6], status le16, max_virtqueue_pairs le16, mtu le16
  private configBytes(): Uint8Array {
    const c = new Uint8Array(12);
    c.set(this.mac, 0);
    c[6] = this.link ? NET_S_LINK_UP : 0;
    c[8] = 1; // max_virtqueue_pairs (meaningful only with MQ)
    return c;
  }
  readConfig(offset: number, size: 1 | 2 | 4): number {
    const c = this.configBytes();
    let v = 0;
    for (let i = size - 1; i >= 0; i--) v = v * 256 + (c[offset + i] ?? 0);
    return v;
  }
  /** mac is read-only for a VERSION_1 driver, writable by a legacy one (§5.1.4.3, legacy
   *  drivers without CTRL_MAC_ADDR set the address this way); the rest is read-only. */
  writeConfig(offset: number, size: 1 | 2 | 4, value: number): void {
    if (!this.active || this.has(VIRTIO_F_VERSION_1)) return;
    for (let i = 0; i < size; i++) if (offset + i < 6) this.mac[offset + i] = (value >>> (8 * i)) & 0xff;
  }

  /** Link status set by the host (config-change interrupt when what the guest sees changes). */
  setLink(up: boolean): void {
    const was = this.link;
    this.linkUp = up;
    if (this.link !== was) this.signal?.configChanged();
  }

  /** The backend's carrier (a stream peer came or went). */
  private setCarrier(up: boolean): void {
    const was = this.link;
    this.carrier = up;
    if (this.link !== was) this.signal?.configChanged();
  }

  activate(queues: readonly Virtqueue[], dma: DmaView, signal: VirtioSignal, features: bigint): string | void {
    if (!queues[RX_Q].ready || !queues[TX_Q].ready) return 'receive and transmit queues must both be set up';
    if ((features & bit(NET_F.CTRL_VQ)) && !queues[CTRL_Q].ready) return 'control queue negotiated but not set up';
    this.queues = queues; this.dma = dma; this.signal = signal; this.negotiated = features;
    this.hdrLen = features & bit(VIRTIO_F_VERSION_1) || features & bit(NET_F.MRG_RXBUF) ? NET_HDR_LEN : NET_HDR_LEN_LEGACY;
    this.guestOffloads ??= features & GUEST_OFFLOAD_FEATURES;
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
    this.guestOffloads = null;
    this.mac = this.hwMac.slice();
    this.promisc = true; this.allmulti = false;
    this.uni.clear(); this.multi.clear(); this.uniOverflow = this.multiOverflow = false;
  }

  private get active(): boolean { return this.dma !== null; }

  private queueFailed(e: QueueError): void { this.signal?.fail(e.message); this.dma = null; }

  // ----- transmit

  /** Serves the chains queue `qi` holds: `handle` returns the bytes written into a chain and
   *  what to do once it is used, or null after failing the device. Used chains interrupt once. */
  private serve(qi: number, handle: (dma: DmaView, c: Chain) => { written: number; then?: () => void } | null): void {
    const q = this.queues[qi], dma = this.dma;
    if (!q || !dma) return;
    let any = false;
    for (;;) {
      const c = q.pop();
      if (c === null) { if (q.enableNotification()) continue; break; }
      if (c instanceof QueueError) { this.queueFailed(c); return; }
      const r = handle(dma, c);
      if (!r) return;
      const e = q.push(c.head, r.written);
      if (e) { this.queueFailed(e); return; }
      any = true;
      r.then?.();
      // A backend that loops frames straight back may have made the receive side fail.
      if (this.dma !== dma) return;
    }
    if (any) this.signal?.used(qi);
  }

  private transmit(): void {
    this.serve(TX_Q, (dma, c) => {
      const tx = this.txFrame(dma, c);
      if (tx === undefined) { this.signal?.fail(`transmit queue: buffer of chain ${c.head} no longer accessible`); this.dma = null; return null; }
      return { written: 0, then: () => this.send(tx) };
    });
  }

  /** Puts a transmitted frame on the wire (finishing offloads the backend cannot carry). */
  private send(tx: { frame: Uint8Array; meta?: FrameMeta } | null): void {
    if (tx === null || !this.link) { this.stats.txDropped++; return; }
    const { frame, meta } = tx;
    this.stats.txFrames++; this.stats.txBytes += frame.length;
    if (!meta || this.backend.carriesMeta) this.backend.send(frame, meta);
    else if (!meta.gso) { completeChecksum(frame, meta.csum!.start, meta.csum!.offset); this.backend.send(frame); }
    else {
      const wire = toWire(frame, meta);
      this.stats.txSegments += wire.length;
      for (const w of wire) this.backend.send(w);
    }
  }

  /** The frame of a transmit chain and what is left to do on it (checksum, segmentation);
   *  null to drop it, undefined if guest memory went away. */
  private txFrame(dma: DmaView, c: Chain): { frame: Uint8Array; meta?: FrameMeta } | null | undefined {
    const hl = this.hdrLen;
    if (c.readLen < hl + ETH_HLEN) { this.once('tx-short', `transmit chain of ${c.readLen} bytes is shorter than header + Ethernet header; dropped`); return null; }
    if (c.readLen > hl + MAX_FRAME) { this.once('tx-long', `transmit chain of ${c.readLen} bytes is longer than the largest frame; dropped`); return null; }
    const data = readChain(dma, c);
    if (!data) return undefined;
    const h = new DataView(data.buffer, data.byteOffset, hl);
    const flags = h.getUint8(0), gso = h.getUint8(1);
    const frame = data.subarray(hl);
    const kind = gso & ~NET_HDR_GSO_ECN, ecn = (gso & NET_HDR_GSO_ECN) !== 0;
    const tso = kind === NET_HDR_GSO_TCPV4 ? NET_F.HOST_TSO4 : kind === NET_HDR_GSO_TCPV6 ? NET_F.HOST_TSO6 : null;
    if (kind !== NET_HDR_GSO_NONE && (tso === null || !this.has(tso) || !this.has(NET_F.CSUM))) { this.once('tx-gso', `transmit with GSO type ${gso}, which was not negotiated; dropped`); return null; }
    if (ecn && (kind === NET_HDR_GSO_NONE || !this.has(NET_F.HOST_ECN))) { this.once('tx-ecn', `transmit with GSO ECN bit, HOST_ECN not negotiated; dropped`); return null; }
    if (!(flags & NET_HDR_F_NEEDS_CSUM) && kind === NET_HDR_GSO_NONE) return { frame };
    const meta: FrameMeta = {};
    if (flags & NET_HDR_F_NEEDS_CSUM) { meta.csum = { start: h.getUint16(6, true), offset: h.getUint16(8, true) }; this.stats.txCsum++; }
    if (kind !== NET_HDR_GSO_NONE) { meta.gso = { v6: kind === NET_HDR_GSO_TCPV6, mss: h.getUint16(4, true), ecn }; this.stats.txGso++; }
    const bad = checkMeta(frame, meta);
    if (typeof bad === 'string') { this.once(meta.gso ? 'tx-gso-bad' : 'tx-csum', `transmit header does not fit the frame (${bad}); dropped`); return null; }
    return { frame, meta };
  }

  // ----- receive

  /** A frame from the wire, with offload metadata if it comes unfinished from another NIC. */
  private receive(frame: Uint8Array, meta?: FrameMeta): void {
    if (!this.active || !this.link || frame.length < ETH_HLEN) { this.stats.rxDropNotReady++; return; }
    if (!this.accepts(frame)) { this.stats.rxDropFiltered++; return; }
    if (this.pending.length >= this.rxBacklog) { this.stats.rxDropOverflow++; return; }
    for (const item of this.rxItems(frame, meta)) {
      if (this.pending.length < this.rxBacklog) this.pending.push(item); else this.stats.rxDropOverflow++;
    }
    this.flushRx();
  }

  /** What the guest gets for a received frame: the frame as it is when the guest negotiated
   *  the offloads its metadata needs, else the finished wire frames; each with its header. */
  private rxItems(frame: Uint8Array, meta?: FrameMeta): RxItem[] {
    const guestCsum = this.rxOffload(NET_F.GUEST_CSUM);
    if (!unfinished(meta)) {
      const valid = guestCsum && l4ChecksumOk(frame);
      if (valid) this.stats.rxDataValid++;
      return [{ frame, hdr: rxHeader(valid ? NET_HDR_F_DATA_VALID : 0) }];
    }
    const lay = checkMeta(frame, meta);
    if (typeof lay === 'string') { this.stats.rxDropBadMeta++; this.once('rx-meta', `received frame with offload metadata that does not fit (${lay}); dropped`); return []; }
    const { start, offset } = meta.csum!;
    const g = meta.gso;
    if (guestCsum && !g) return [{ frame, hdr: rxHeader(NET_HDR_F_NEEDS_CSUM, NET_HDR_GSO_NONE, 0, 0, start, offset) }];
    if (guestCsum && g && lay && this.rxOffload(g.v6 ? NET_F.GUEST_TSO6 : NET_F.GUEST_TSO4) && (!g.ecn || this.rxOffload(NET_F.GUEST_ECN))) {
      this.stats.rxGso++;
      const type = (g.v6 ? NET_HDR_GSO_TCPV6 : NET_HDR_GSO_TCPV4) | (g.ecn ? NET_HDR_GSO_ECN : 0);
      return [{ frame, hdr: rxHeader(NET_HDR_F_NEEDS_CSUM, type, lay.payload, g.mss, start, offset) }];
    }
    // Finished here: every checksum was just computed, so it is valid by construction.
    return toWire(frame, meta).map((f) => {
      if (guestCsum) this.stats.rxDataValid++;
      return { frame: f, hdr: rxHeader(guestCsum ? NET_HDR_F_DATA_VALID : 0) };
    });
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
  private deliver(q: Virtqueue, item: RxItem): RxResult {
    const frame = item.frame;
    const dma = this.dma!;
    const hl = this.hdrLen;
    const total = hl + frame.length;
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
    // Header: as prepared, then num_buffers (1 without MRG_RXBUF, as §5.1.6.3.2 requires) unless
    // it is the legacy 10-byte header.
    pkt.set(item.hdr, 0);
    if (hl === NET_HDR_LEN) { pkt[10] = chains.length & 0xff; pkt[11] = chains.length >> 8; }
    pkt.set(frame, hl);
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
    this.serve(CTRL_Q, (dma, c) => {
      if (c.writeLen < 1) { this.queueFailed(new QueueError(`queue 2: control command ${c.head} has no writable ack byte`)); return null; }
      const cmd = readChain(dma, c, MAX_CTRL);
      if (!cmd) { this.queueFailed(new QueueError(`queue 2: buffer of chain ${c.head} no longer accessible`)); return null; }
      const ack = c.readLen > MAX_CTRL ? this.refuse('ctrl-long', `control command of ${c.readLen} bytes`) : this.command(cmd);
      if (writeChain(dma, c, new Uint8Array([ack])) < 0) { this.queueFailed(new QueueError(`queue 2: ack of chain ${c.head} not writable`)); return null; }
      return { written: 1 };
    });
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
    if (cls === CTRL.GUEST_OFFLOADS && cmd === CTRL.GUEST_OFFLOADS_SET && this.has(NET_F.CTRL_GUEST_OFFLOADS)) return this.setGuestOffloads(data);
    return this.refuse(`ctrl-${cls}-${cmd}`, `control class ${cls} command ${cmd} (not supported or not negotiated)`);
  }

  /** VIRTIO_NET_CTRL_GUEST_OFFLOADS_SET: le64 offloads, one bit per GUEST_* feature; an
   *  offload that was not negotiated cannot be enabled (VIRTIO_NET_ERR, as QEMU answers). */
  private setGuestOffloads(d: Uint8Array): number {
    if (d.length < 8) return this.refuse('ctrl-offloads', 'GUEST_OFFLOADS_SET with fewer than 8 bytes');
    const want = new DataView(d.buffer, d.byteOffset, 8).getBigUint64(0, true);
    const allowed = this.negotiated & GUEST_OFFLOAD_FEATURES;
    if (want & ~allowed) return this.refuse('ctrl-offloads-bits', `GUEST_OFFLOADS_SET 0x${want.toString(16)} with offloads that were not negotiated (0x${allowed.toString(16)})`);
    this.guestOffloads = want;
    return CTRL.OK;
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
      mac: formatMac(this.mac), linkUp: this.linkUp, guestOffloads: this.guestOffloads?.toString() ?? null, promisc: this.promisc, allmulti: this.allmulti,
      uni: hexes(this.uni), multi: hexes(this.multi), uniOverflow: this.uniOverflow, multiOverflow: this.multiOverflow,
      stats: { ...this.stats },
    };
  }

  restore(state: unknown): void {
    const s = state as Record<string, any>;
    this.mac = new Uint8Array(String(s.mac).split(':').map((h) => parseInt(h, 16)));
    this.linkUp = !!s.linkUp;
    this.guestOffloads = s.guestOffloads == null ? null : BigInt(s.guestOffloads);
    this.promisc = !!s.promisc; this.allmulti = !!s.allmulti;
    this.uni = new Set((s.uni as string[]).map((h) => parseInt(h, 16)));
    this.multi = new Set((s.multi as string[]).map((h) => parseInt(h, 16)));
    this.uniOverflow = !!s.uniOverflow; this.multiOverflow = !!s.multiOverflow;
    Object.assign(this.stats, s.stats);
    // Inactive until the transport re-activates it with the restored queues.
    this.queues = []; this.dma = null; this.signal = null; this.negotiated = 0n; this.pending = [];
  }
}

/** The first 10 bytes of a receive virtio_net_hdr_v1 (num_buffers follows). */
function rxHeader(flags: number, gsoType = NET_HDR_GSO_NONE, hdrLen = 0, gsoSize = 0, csumStart = 0, csumOffset = 0): Uint8Array {
  const h = new Uint8Array(10), v = new DataView(h.buffer);
  h[0] = flags; h[1] = gsoType;
  v.setUint16(2, hdrLen, true); v.setUint16(4, gsoSize, true); v.setUint16(6, csumStart, true); v.setUint16(8, csumOffset, true);
  return h;
}
