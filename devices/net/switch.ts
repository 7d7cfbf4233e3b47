// An in-process learning Ethernet switch: every NIC plugged into it (of one VM or of several VMs
// run by one krustvm process) shares a LAN.
//
// Like a real bridge (IEEE 802.1D forwarding, without spanning tree): the source address of each
// frame teaches the switch which port it lives behind; a frame to a known unicast address goes
// to that port only (or nowhere, if it lives behind the port it came from); broadcast,
// multicast and unknown unicast frames are flooded to every other port. Learned addresses age
// out after `ageMs` so a MAC that moved is found again by flooding.
//
// Delivery is synchronous (a frame reaches the other NICs inside the sender's transmit, with no
// event-loop latency), but never re-entrant: a frame sent by a receiver while the switch is
// delivering is queued and forwarded after the current one.
//
// Offloads: a frame may come with FrameMeta (a 64 KiB TCP segment, a partial checksum, from a
// NIC with TSO/checksum offload). It reaches a port whose receiver takes metadata as it is, and
// any other port as the finished wire frames (toWire: segmented, checksums completed).
import { type FrameReceiver, type NetBackend, type ReceiverOptions, ETH_HLEN, MAX_FRAME, isGroupMac, macKey } from './backend.js';
import { type FrameMeta, toWire, unfinished } from './offload.js';

export interface SwitchStats {
  forwarded: number; flooded: number; filtered: number; dropped: number;
  /** Frames that came in unfinished, with offload metadata (partial checksums, TSO segments),
   *  and how many of them were TSO segments. */
  unfinished: number; tso: number;
}

interface Learned { port: SwitchPort; at: number }

export class NetSwitch {
  private readonly ports = new Set<SwitchPort>();
  private readonly table = new Map<number, Learned>();
  private readonly queue: { from: SwitchPort; frame: Uint8Array; meta?: FrameMeta }[] = [];
  private delivering = false;
  private nextPort = 0;
  readonly stats: SwitchStats = { forwarded: 0, flooded: 0, filtered: 0, dropped: 0, unfinished: 0, tso: 0 };

  constructor(readonly name = 'switch', private readonly ageMs = 300_000, private readonly now: () => number = Date.now) {}

  /** A new port (a cable to plug a NIC's backend side into); `mac`: the NIC's address, if
   *  known, so hasMac() can tell a new NIC which default addresses are taken. */
  connect(label?: string, mac?: Uint8Array): SwitchPort {
    const p = new SwitchPort(this, label ?? `${this.name}.${this.nextPort++}`, mac ? macKey(mac) : undefined);
    this.ports.add(p);
    return p;
  }

  /** Whether a NIC plugged in here declared address `mac`. */
  hasMac(mac: Uint8Array): boolean {
    const k = macKey(mac);
    for (const p of this.ports) if (p.macKey === k) return true;
    return false;
  }

  /** Number of ports plugged in. */
  get portCount(): number { return this.ports.size; }

  /** The port `mac` was learned on (tests, diagnostics). */
  lookup(mac: Uint8Array): SwitchPort | undefined {
    const e = this.table.get(macKey(mac));
    return e && this.now() - e.at <= this.ageMs ? e.port : undefined;
  }

  /** @internal Called by a port. */
  unplug(p: SwitchPort): void {
    this.ports.delete(p);
    for (const [k, e] of this.table) if (e.port === p) this.table.delete(k);
  }

  /** @internal Called by a port's send(). */
  ingress(from: SwitchPort, frame: Uint8Array, meta?: FrameMeta): void {
    if (frame.length < ETH_HLEN || frame.length > MAX_FRAME) { this.stats.dropped++; return; }
    if (meta) { this.stats.unfinished++; if (meta.gso) this.stats.tso++; }
    this.queue.push({ from, frame, meta });
    if (this.delivering) return;
    this.delivering = true;
    try {
      for (let q = this.queue.shift(); q; q = this.queue.shift()) this.forward(q.from, q.frame, q.meta);
    } finally {
      this.delivering = false;
    }
  }

  private forward(from: SwitchPort, frame: Uint8Array, meta?: FrameMeta): void {
    if (!this.ports.has(from)) return;
    const now = this.now();
    // Learn the source (a group source address is bogus: never learn it).
    if (!isGroupMac(frame, 6)) this.table.set(macKey(frame, 6), { port: from, at: now });
    if (!isGroupMac(frame, 0)) {
      const e = this.table.get(macKey(frame, 0));
      if (e && now - e.at <= this.ageMs && this.ports.has(e.port)) {
        if (e.port === from) { this.stats.filtered++; return; }
        this.stats.forwarded++;
        e.port.deliver(frame, meta);
        return;
      }
    }
    this.stats.flooded++;
    for (const p of this.ports) if (p !== from) p.deliver(frame, meta);
  }
}

/** One port of a NetSwitch, seen from the NIC as its backend. */
export class SwitchPort implements NetBackend {
  private rx: FrameReceiver | null = null;
  private rxMeta = false;
  private closed = false;
  /** Frames this port delivered to its NIC. */
  received = 0;
  /** Frames that came with metadata and were finished (segmented, checksummed) for this port's
   *  receiver, which does not take metadata; and those whose metadata did not fit (dropped). */
  finished = 0; badMeta = 0;
  readonly carriesMeta = true;

  constructor(private readonly sw: NetSwitch, readonly label: string, readonly macKey?: number) {}

  send(frame: Uint8Array, meta?: FrameMeta): void { if (!this.closed) this.sw.ingress(this, frame, unfinished(meta) ? meta : undefined); }
  setReceiver(rx: FrameReceiver | null, opts?: ReceiverOptions): void { this.rx = rx; this.rxMeta = !!opts?.meta; }
  /** @internal */
  deliver(frame: Uint8Array, meta?: FrameMeta): void {
    const rx = this.rx;
    if (!rx) return;
    try {
      if (this.rxMeta || !unfinished(meta)) { this.received++; rx(frame, this.rxMeta ? meta : undefined); return; }
      const wire = toWire(frame, meta);
      if (!wire.length) { this.badMeta++; return; }
      this.finished++;
      for (const f of wire) { this.received++; rx(f); }
    } catch { /* a receiver must not break the LAN for the others */ }
  }
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.rx = null;
    this.sw.unplug(this);
  }
}

/** The named switches of this process (`--net switch,name=lan1`; the default is "lan0"), so
 *  the NICs of several VMs started by one krustvm process meet on them. */
const switches = new Map<string, NetSwitch>();
export function namedSwitch(name = 'lan0'): NetSwitch {
  let s = switches.get(name);
  if (!s) switches.set(name, (s = new NetSwitch(name)));
  return s;
}
