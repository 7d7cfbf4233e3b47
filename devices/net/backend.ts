// What a NIC is plugged into on the host side: whole Ethernet frames out, whole frames in.
//
// A frame is one Ethernet frame without preamble or FCS (destination MAC first), as virtio-net,
// QEMU's stream netdev and libpcap's LINKTYPE_ETHERNET all carry it. Ownership: a frame given to
// send() or to a receiver belongs to the callee from then on; neither side modifies a frame
// after handing it over, so backends may pass the same bytes to several receivers.

//
// Offload metadata (optional, offload.ts): between in-process NICs a frame may travel unfinished
// — a 64 KiB TCP segment, a partial checksum — with a FrameMeta saying what is left to do. Only
// a backend that says `carriesMeta` is given metadata by a sender, and it gives metadata only to
// a receiver registered with `{ meta: true }`; everyone else sees finished wire frames, so
// backends and receivers written without metadata in mind keep working unchanged. A wrapper
// around a backend must forward both (or neither).
import type { FrameMeta } from './offload.js';

export type { FrameMeta };
export type FrameReceiver = (frame: Uint8Array, meta?: FrameMeta) => void;

export interface ReceiverOptions {
  /** The receiver understands FrameMeta (unfinished frames); default false. */
  meta?: boolean;
  /** Told whether the cable has a peer at the other end (carrier): once with the current
   *  state when registered, then on every change. Backends without the notion (switch, test
   *  buffers) never call it, and a NIC takes that as always up. A wrapper forwards it. */
  carrier?: (up: boolean) => void;
}

export interface NetBackend {
  /** Puts a frame on the wire. Never throws; a backend that cannot send drops (and counts) it.
   *  `meta` may be given only if `carriesMeta`. */
  send(frame: Uint8Array, meta?: FrameMeta): void;
  /** Registers the function that receives frames from the wire (null to stop). Frames may
   *  arrive at any time between guest instruction slices (sockets) or synchronously inside
   *  another NIC's send() (the in-process switch). */
  setReceiver(rx: FrameReceiver | null, opts?: ReceiverOptions): void;
  /** send() accepts unfinished frames with their FrameMeta (the in-process switch). */
  readonly carriesMeta?: boolean;
  /** Releases host resources (sockets, files) after writing out what is buffered. Safe to call
   *  twice. */
  close(): Promise<void>;
}

/** Ethernet header length and the frame sizes every backend accepts. */
export const ETH_HLEN = 14;
/** Largest frame we carry: a 64 KiB IP packet plus the Ethernet and a VLAN header. QEMU's
 *  stream netdev has the same order of limit (NET_BUFSIZE, 68 KiB). */
export const MAX_FRAME = 65535 + ETH_HLEN + 4;

/** A cable to nowhere (`--net none` stand-in, tests). */
export class NullNet implements NetBackend {
  sent = 0;
  send(): void { this.sent++; }
  setReceiver(): void {}
  async close(): Promise<void> {}
}

/** Collects what the NIC sends and lets a test inject frames. */
export class BufferNet implements NetBackend {
  readonly frames: Uint8Array[] = [];
  private rx: FrameReceiver | null = null;
  send(frame: Uint8Array): void { this.frames.push(frame); }
  setReceiver(rx: FrameReceiver | null): void { this.rx = rx; }
  /** Delivers a frame as if it came from the wire; false when nothing listens. */
  inject(frame: Uint8Array): boolean {
    if (!this.rx) return false;
    this.rx(frame);
    return true;
  }
  async close(): Promise<void> { this.rx = null; }
}

/** Frames sent come straight back (a loopback plug). Delivery is deferred to a microtask so a
 *  NIC never receives inside its own transmit path. */
export class LoopbackNet implements NetBackend {
  private rx: FrameReceiver | null = null;
  send(frame: Uint8Array): void { queueMicrotask(() => this.rx?.(frame)); }
  setReceiver(rx: FrameReceiver | null): void { this.rx = rx; }
  async close(): Promise<void> { this.rx = null; }
}

/** MAC address helpers. */
export type Mac = Uint8Array;
export const BROADCAST_MAC = new Uint8Array([0xff, 0xff, 0xff, 0xff, 0xff, 0xff]);
export function formatMac(m: ArrayLike<number>): string {
  return Array.from({ length: 6 }, (_, i) => (m[i] ?? 0).toString(16).padStart(2, '0')).join(':');
}
/** Parses "52:54:00:12:34:56" (or with dashes); null if malformed. */
export function parseMac(s: string): Mac | null {
  const m = /^([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})[:-]([0-9a-f]{2})$/i.exec(s.trim());
  return m ? new Uint8Array(m.slice(1).map((h) => parseInt(h, 16))) : null;
}
/** The 48-bit address at `off` in `b` as a Number (a cheap Map key). */
export function macKey(b: Uint8Array, off = 0): number {
  return ((b[off] << 8 | b[off + 1]) >>> 0) * 0x100000000 + ((b[off + 2] << 24 | b[off + 3] << 16 | b[off + 4] << 8 | b[off + 5]) >>> 0);
}
/** Group (multicast or broadcast) addresses have the I/G bit, bit 0 of the first octet. */
export const isGroupMac = (b: Uint8Array, off = 0): boolean => (b[off] & 1) === 1;
